import type { CameraAlertOccurrence } from '@argus/persistence';
import { CameraAlertHistoryCache } from './camera-alert-history.cache';

/** A stand-in for the alert table: answers like CameraAlertHistoryRepository and counts reads. */
class AlertTable {
  readonly rows: Array<CameraAlertOccurrence & { lineId: string; cameraId: string }> = [];
  reads = 0;

  add(lineId: string, cameraId: string, alert: CameraAlertOccurrence): void {
    this.rows.push({ ...alert, lineId, cameraId });
  }

  async alertsCapturedBetween(
    lineId: string,
    cameraId: string,
    from: Date,
    to: Date,
    options: { excludeFrameId?: string; limit?: number } = {},
  ): Promise<CameraAlertOccurrence[]> {
    this.reads += 1;
    return this.rows
      .filter(
        (r) =>
          r.lineId === lineId &&
          r.cameraId === cameraId &&
          r.capturedAt >= from &&
          r.capturedAt <= to &&
          r.frameId !== options.excludeFrameId,
      )
      .sort((a, b) => a.capturedAt.getTime() - b.capturedAt.getTime() || a.alertId.localeCompare(b.alertId))
      .slice(0, options.limit ?? 1000)
      .map(({ lineId: _l, cameraId: _c, ...alert }) => alert);
  }
}

const t0 = Date.parse('2026-03-01T08:00:00.000Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const alertAt = (seconds: number, id = `a-${seconds}`): CameraAlertOccurrence => ({
  alertId: id,
  frameId: `f-${seconds}`,
  modelVersionId: 'm1',
  capturedAt: at(seconds),
  detections: [{ className: 'short', score: 0.9, box: { x1: 1, y1: 1, x2: 9, y2: 9 } }],
});

describe('CameraAlertHistoryCache', () => {
  let table: AlertTable;
  let cache: CameraAlertHistoryCache;
  /** What the table says for a frame at `seconds` with a 5 s window, and what the cache says. */
  const both = async (seconds: number, cameraId = 'cam-a') => {
    const args = ['line-1', cameraId, at(seconds - 5), at(seconds), { excludeFrameId: `f-${seconds}` }] as const;
    const cached = await cache.alertsCapturedBetween(...args);
    const reads = table.reads;
    const truth = await table.alertsCapturedBetween(...args);
    table.reads = reads;
    return { cached, truth };
  };
  /** A frame judged at `seconds`: history looked up, then (as the use case does) its alert written and remembered. */
  const judgeAndRaise = async (seconds: number, cameraId = 'cam-a') => {
    const { cached, truth } = await both(seconds, cameraId);
    expect(cached).toEqual(truth);
    const alert = alertAt(seconds, `${cameraId}-${seconds}`);
    table.add('line-1', cameraId, alert);
    cache.remember('line-1', cameraId, alert);
  };

  beforeEach(() => {
    table = new AlertTable();
    cache = new CameraAlertHistoryCache(table);
  });

  it('reads the database for every lookup until the bus assigns partitions (reset)', async () => {
    table.add('line-1', 'cam-a', alertAt(1));
    await cache.alertsCapturedBetween('line-1', 'cam-a', at(0), at(3));
    await cache.alertsCapturedBetween('line-1', 'cam-a', at(0), at(3));
    expect(table.reads).toBe(2);
    expect(cache.takeStats()).toEqual({ hits: 0, loads: 0 });
  });

  it("answers a camera's frames from memory after one read, the same as the database, as alerts are raised and the window slides", async () => {
    table.add('line-1', 'cam-a', alertAt(1, 'early'));
    cache.reset();
    for (let s = 3; s <= 20; s += 0.5) await judgeAndRaise(s);
    expect(table.reads).toBe(1);
    expect(cache.takeStats()).toEqual({ hits: 34, loads: 1 });
  });

  it('keeps cameras apart, and orders alerts captured at the same time by id, as the database does', async () => {
    cache.reset();
    await judgeAndRaise(10, 'cam-a');
    await judgeAndRaise(10, 'cam-b');
    table.add('line-1', 'cam-a', alertAt(11, 'z'));
    cache.remember('line-1', 'cam-a', alertAt(11, 'z'));
    table.add('line-1', 'cam-a', alertAt(11, 'b'));
    cache.remember('line-1', 'cam-a', alertAt(11, 'b'));
    cache.remember('line-1', 'cam-a', alertAt(11, 'b')); // found again on a redelivery: once only
    const { cached, truth } = await both(12, 'cam-a');
    expect(cached.map((a) => a.alertId)).toEqual(['cam-a-10', 'b', 'z']);
    expect(cached).toEqual(truth);
    expect((await both(12, 'cam-b')).cached.map((a) => a.alertId)).toEqual(['cam-b-10']);
  });

  it('reads the database again for a frame captured before the window it holds', async () => {
    cache.reset();
    for (const s of [10, 11, 12]) await judgeAndRaise(s);
    const reads = table.reads;
    const { cached, truth } = await both(6); // an older frame arriving late: [1, 6] is not held any more
    expect(table.reads).toBe(reads + 1);
    expect(cached).toEqual(truth);
  });

  it('forgets everything on reset: alerts another member raised meanwhile are seen', async () => {
    cache.reset();
    await judgeAndRaise(10);
    table.add('line-1', 'cam-a', alertAt(11, 'raised-elsewhere')); // the camera was handled by another member
    expect((await both(12)).cached.map((a) => a.alertId)).toEqual(['cam-a-10']); // stale until told
    cache.reset();
    const { cached, truth } = await both(12);
    expect(cached.map((a) => a.alertId)).toEqual(['cam-a-10', 'raised-elsewhere']);
    expect(cached).toEqual(truth);
  });

  it('does not keep a history whose read straddled a reset', async () => {
    cache.reset();
    const read = cache.alertsCapturedBetween('line-1', 'cam-a', at(5), at(10));
    cache.reset();
    await read;
    const reads = table.reads;
    await cache.alertsCapturedBetween('line-1', 'cam-a', at(5), at(10));
    expect(table.reads).toBe(reads + 1);
  });

  it('reads the database every time for a camera with more alerts than it keeps, and holds at most maxCameras cameras', async () => {
    cache = new CameraAlertHistoryCache(table, { maxAlertsPerCamera: 3, maxCameras: 2 });
    cache.reset();
    for (const s of [1, 2, 3, 4]) table.add('line-1', 'busy', alertAt(s));
    const busy = await cache.alertsCapturedBetween('line-1', 'busy', at(0), at(5));
    expect(busy).toHaveLength(4);
    await cache.alertsCapturedBetween('line-1', 'busy', at(0), at(5));
    expect(table.reads).toBe(4); // per lookup: the capped read, then the window itself

    table.reads = 0;
    for (const camera of ['c1', 'c2', 'c3']) await cache.alertsCapturedBetween('line-1', camera, at(0), at(5));
    await cache.alertsCapturedBetween('line-1', 'c3', at(0), at(5));
    await cache.alertsCapturedBetween('line-1', 'c1', at(0), at(5)); // pushed out by c3
    expect(table.reads).toBe(4);
  });
});
