import { expectedAlerts, iou, type OracleDetection, type OracleFrame, type OracleLine } from './alert-expectation.oracle';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });
const det = (className: string, score: number, b = box(0, 0, 10, 10)): OracleDetection => ({ className, score, box: b });
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));
let sequence = 0;
const frame = (frameId: string, seconds: number, detections: OracleDetection[], cameraId = 'cam-1'): OracleFrame => ({
  frameId,
  lineId: 'line-1',
  cameraId,
  capturedAt: at(seconds),
  sequence: sequence++,
  detections,
});
const line = (overrides: Partial<OracleLine> = {}): Map<string, OracleLine> =>
  new Map([
    [
      'line-1',
      {
        rules: [
          { className: 'dent', minScore: 0.5, minBoxAreaPx2: 50, severity: 'high' },
          { className: '*', minScore: 0.9, minBoxAreaPx2: 0, severity: 'low' },
        ],
        dedupWindowSeconds: 0,
        dedupMinIou: 0.3,
        ...overrides,
      },
    ],
  ]);

describe('expected alerts', () => {
  it('computes IoU of overlapping, touching and disjoint boxes', () => {
    expect(iou(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
    expect(iou(box(0, 0, 10, 10), box(5, 0, 15, 10))).toBeCloseTo(50 / 150);
    expect(iou(box(0, 0, 10, 10), box(10, 0, 20, 10))).toBe(0);
  });

  it('applies the class rule (score and area, inclusive), else the "*" rule, and takes the highest severity', () => {
    const alerts = expectedAlerts(
      [
        frame('a', 0, [det('dent', 0.5, box(0, 0, 10, 5))]), // exactly at both minimums
        frame('b', 1, [det('dent', 0.49)]),
        frame('c', 2, [det('dent', 0.9, box(0, 0, 7, 7))]), // area 49 < 50
        frame('d', 3, [det('stain', 0.95), det('dent', 0.6)]),
        frame('e', 4, [det('stain', 0.8)]),
      ],
      line(),
    );
    expect([...alerts.keys()].sort()).toEqual(['a', 'd']);
    expect(alerts.get('d')).toEqual({ frameId: 'd', severity: 'high', detections: [det('stain', 0.95), det('dent', 0.6)] });
  });

  it('drops a detection cited by an alert of the same camera within the window at the same place, and only that one', () => {
    const alerts = expectedAlerts(
      [
        frame('first', 10, [det('dent', 0.8, box(0, 0, 10, 10))]),
        frame('same-place', 14, [det('dent', 0.8, box(1, 1, 11, 11)), det('dent', 0.8, box(50, 50, 60, 60))]),
        frame('other-camera', 14, [det('dent', 0.8, box(0, 0, 10, 10))], 'cam-2'),
        frame('window-edge', 20, [det('dent', 0.8, box(0, 0, 10, 10))]), // 10 s after "first", 6 s after same-place's (other box)
        frame('later', 31, [det('dent', 0.8, box(0, 0, 10, 10))]), // 11 s after window-edge
      ],
      line({ dedupWindowSeconds: 10 }),
    );
    expect(alerts.get('same-place')?.detections).toEqual([det('dent', 0.8, box(50, 50, 60, 60))]);
    expect(alerts.has('other-camera')).toBe(true);
    expect(alerts.has('window-edge')).toBe(false); // "first" is exactly 10 s earlier: inside the window
    expect(alerts.has('later')).toBe(true);
  });

  it('a deduplicated frame raises nothing, so it does not extend the window', () => {
    const alerts = expectedAlerts(
      [frame('x', 0, [det('dent', 0.8)]), frame('y', 5, [det('dent', 0.8)]), frame('z', 12, [det('dent', 0.8)])],
      line({ dedupWindowSeconds: 10 }),
    );
    expect([...alerts.keys()]).toEqual(['x', 'z']);
  });

  it('orders a camera by capture time, whatever order the frames are given in', () => {
    const alerts = expectedAlerts(
      [frame('late', 5, [det('dent', 0.8)]), frame('early', 0, [det('dent', 0.8)])],
      line({ dedupWindowSeconds: 10 }),
    );
    expect([...alerts.keys()]).toEqual(['early']);
  });

  it('refuses a frame of a line it has no rules for', () => {
    expect(() => expectedAlerts([{ ...frame('q', 0, []), lineId: 'line-9' }], line())).toThrow('no rules given for line line-9');
  });
});
