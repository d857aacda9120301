import { createHash } from 'node:crypto';

/** UUID namespace of Argus frame ids (a random v4, fixed forever: changing it changes every id). */
const FRAME_ID_NAMESPACE = '6f1d8f0e-3c1b-4f5e-9a57-2b8c0d4e7a31';

/**
 * The frame id of (line, camera, content): a name-based UUID (v5, RFC 9562), so the id is known
 * before anything is written and a retried upload lands on the same object key and row even when
 * an earlier attempt stopped half-way (object stored, row not yet recorded).
 */
export function frameIdFor(lineId: string, cameraId: string, sha256: string): string {
  const namespace = Buffer.from(FRAME_ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(`${lineId}/${cameraId}/${sha256}`, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
