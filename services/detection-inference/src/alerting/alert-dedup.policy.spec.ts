import type { Detection } from '@argus/contracts';
import { boxIou } from '@argus/vision';
import { type EarlierAlert, withoutDuplicates } from './alert-dedup.policy';
import type { QualifyingDetection } from './alert-rule.evaluator';

const det = (className: string, x1: number, y1: number, x2: number, y2: number): Detection => ({
  className,
  score: 0.9,
  box: { x1, y1, x2, y2 },
});
const q = (d: Detection): QualifyingDetection => ({ detection: d, severity: 'high' });
const t0 = new Date('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const settings = { windowSeconds: 10, minIou: 0.3 };

describe('alert dedup across consecutive frames of a camera', () => {
  const scratch = det('scratch', 100, 100, 140, 140);
  const earlier = (seconds: number, detections: Detection[], frameId = `frame-${seconds}`): EarlierAlert => ({
    frameId,
    capturedAt: at(seconds),
    detections,
  });

  it('computes IoU in pixel coordinates', () => {
    expect(boxIou(scratch.box, scratch.box)).toBe(1);
    expect(boxIou(scratch.box, det('x', 140, 100, 180, 140).box)).toBe(0); // touching, no overlap
    expect(boxIou(det('x', 0, 0, 10, 10).box, det('x', 5, 0, 15, 10).box)).toBeCloseTo(50 / 150);
  });

  it('suppresses the same class at an overlapping place within the window', () => {
    const moved = det('scratch', 105, 102, 145, 142);
    expect(boxIou(moved.box, scratch.box)).toBeGreaterThan(0.3);
    expect(withoutDuplicates([q(moved)], { frameId: 'now', capturedAt: at(5) }, [earlier(0, [scratch])], settings)).toEqual([]);
  });

  it('keeps the window inclusive at exactly window seconds, and lets it go one millisecond later', () => {
    const frame = (ms: number) => ({ frameId: 'now', capturedAt: new Date(t0.getTime() + ms) });
    expect(withoutDuplicates([q(scratch)], frame(10_000), [earlier(0, [scratch])], settings)).toEqual([]);
    expect(withoutDuplicates([q(scratch)], frame(10_001), [earlier(0, [scratch])], settings)).toEqual([q(scratch)]);
  });

  it('does not suppress another class at the same place, nor the same class elsewhere, nor below the IoU', () => {
    const dent = det('dent', 100, 100, 140, 140);
    const elsewhere = det('scratch', 300, 300, 340, 340);
    const barely = det('scratch', 120, 100, 160, 140); // IoU 800/2400 = 0.333 with scratch → duplicate at 0.3, not at 0.4
    const history = [earlier(0, [scratch])];
    expect(withoutDuplicates([q(dent), q(elsewhere)], { frameId: 'now', capturedAt: at(1) }, history, settings)).toEqual([
      q(dent),
      q(elsewhere),
    ]);
    expect(withoutDuplicates([q(barely)], { frameId: 'now', capturedAt: at(1) }, history, settings)).toEqual([]);
    expect(withoutDuplicates([q(barely)], { frameId: 'now', capturedAt: at(1) }, history, { ...settings, minIou: 0.4 })).toEqual([
      q(barely),
    ]);
  });

  it('keeps only the new detections of a frame that has both', () => {
    const fresh = det('scratch', 400, 10, 440, 50);
    expect(withoutDuplicates([q(scratch), q(fresh)], { frameId: 'now', capturedAt: at(3) }, [earlier(1, [scratch])], settings)).toEqual([
      q(fresh),
    ]);
  });

  it('ignores alerts captured after the frame (a redelivered older frame) and the frame itself', () => {
    expect(withoutDuplicates([q(scratch)], { frameId: 'now', capturedAt: at(5) }, [earlier(6, [scratch])], settings)).toEqual([q(scratch)]);
    expect(withoutDuplicates([q(scratch)], { frameId: 'now', capturedAt: at(5) }, [earlier(5, [scratch], 'now')], settings)).toEqual([
      q(scratch),
    ]);
  });

  it('does nothing when the window is 0', () => {
    expect(
      withoutDuplicates([q(scratch)], { frameId: 'now', capturedAt: at(1) }, [earlier(0, [scratch])], { windowSeconds: 0, minIou: 0.3 }),
    ).toEqual([q(scratch)]);
  });
});
