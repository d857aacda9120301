import { buildFrameObjectKey, buildTemplateObjectKey } from './frame-object-key.builder';
import { frameIdFor } from './frame-id.generator';

describe('frame object keys and ids', () => {
  it('builds {line}/{camera}/{yyyy}/{mm}/{dd}/{frameId}.{ext} from the UTC day of capture', () => {
    // 23:30 on Dec 31 in New York is already Jan 1 in UTC.
    const capturedAt = new Date('2026-12-31T23:30:00-05:00');
    expect(buildFrameObjectKey({ lineId: 'line-1', cameraId: 'cam-top', capturedAt, frameId: 'f-1', extension: 'jpg' })).toBe(
      'line-1/cam-top/2027/01/01/f-1.jpg',
    );
    expect(
      buildFrameObjectKey({ lineId: 'l', cameraId: 'c', capturedAt: new Date('2026-03-05T00:00:00Z'), frameId: 'x', extension: 'png' }),
    ).toBe('l/c/2026/03/05/x.png');
    expect(() => buildFrameObjectKey({ lineId: 'l', cameraId: 'c', capturedAt: new Date('nope'), frameId: 'x', extension: 'png' })).toThrow(
      RangeError,
    );
  });

  it('stores templates content-addressed under the camera', () => {
    expect(buildTemplateObjectKey({ lineId: 'pcb-1', cameraId: 'aoi-1', sha256: 'ab'.repeat(32), extension: 'jpg' })).toBe(
      `pcb-1/aoi-1/templates/${'ab'.repeat(32)}.jpg`,
    );
  });

  it('derives the frame id from line, camera and content: stable, distinct, a valid UUIDv5', () => {
    const sha = 'a'.repeat(64);
    const id = frameIdFor('line-1', 'cam-1', sha);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(frameIdFor('line-1', 'cam-1', sha)).toBe(id);
    expect(frameIdFor('line-1', 'cam-2', sha)).not.toBe(id);
    expect(frameIdFor('line-2', 'cam-1', sha)).not.toBe(id);
    expect(frameIdFor('line-1', 'cam-1', 'b'.repeat(64))).not.toBe(id);
  });
});
