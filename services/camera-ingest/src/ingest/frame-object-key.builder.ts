/**
 * Where a frame is stored: `{lineId}/{cameraId}/{yyyy}/{mm}/{dd}/{frameId}.{ext}`, the date being
 * the UTC day of capture, so a day of one camera lists (and expires) as one prefix.
 */
export function buildFrameObjectKey(input: {
  lineId: string;
  cameraId: string;
  capturedAt: Date;
  frameId: string;
  extension: 'jpg' | 'png';
}): string {
  const at = input.capturedAt;
  if (Number.isNaN(at.getTime())) throw new RangeError('capturedAt is not a valid date');
  const yyyy = String(at.getUTCFullYear()).padStart(4, '0');
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(at.getUTCDate()).padStart(2, '0');
  return `${input.lineId}/${input.cameraId}/${yyyy}/${mm}/${dd}/${input.frameId}.${input.extension}`;
}

/**
 * Where a per-frame golden template is stored (replay of DeepPCB, simulated template feeds):
 * content-addressed under the camera, so storing the same template twice is one object.
 */
export function buildTemplateObjectKey(input: { lineId: string; cameraId: string; sha256: string; extension: 'jpg' | 'png' }): string {
  return `${input.lineId}/${input.cameraId}/templates/${input.sha256}.${input.extension}`;
}
