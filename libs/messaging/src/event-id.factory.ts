import { createHash } from 'node:crypto';

/**
 * A UUID (RFC 9562 version 8, "custom") derived from the parts: the same facts give the same
 * event id. The events this service publishes are re-published when a frame is redelivered (the
 * first attempt may have died between the database write and the publish); a deterministic id
 * lets every consumer recognise the repeat by `eventId`.
 */
export function deterministicEventId(...parts: readonly string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
