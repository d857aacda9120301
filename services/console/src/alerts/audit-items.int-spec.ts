import { type Detection, Topics } from '@argus/contracts';
import { waitFor } from '@argus/platform/testing';
import { ConsoleApiHarness } from '../testing/console-api.harness';

const det = (className: string, score: number): Detection => ({ className, score, box: { x1: 10, y1: 10, x2: 30, y2: 40 } });

/**
 * The audit queue on Postgres and Kafka: audit items (stored by continual-fine-tune's sample as
 * alert rows of kind `audit`) listed apart from the alerts, most uncertain first, and reviewed
 * through the alerts' review route like any alert.
 */
describe('console audit queue on Postgres and Kafka', () => {
  const h = new ConsoleApiHarness();
  let lineId: string;
  let modelId: string;
  const items: Record<string, string> = {};
  let defectAlert: string;

  beforeAll(async () => {
    await h.start();
    await h.signInEveryone();
    lineId = await h.line('audit', ['cam-a']);
    modelId = (await h.model('pcb', '1', ['open', 'short'])).id;
    const audit = async (name: string, uncertainty: number, reason: 'near-threshold' | 'random', detections: Detection[]) => {
      const { frameId } = await h.frame(lineId, 'cam-a');
      const stored = await h.alerts().createAuditItemOnce({
        frameId,
        lineId,
        cameraId: 'cam-a',
        modelVersionId: modelId,
        detections,
        audit: { reason, uncertainty },
      });
      items[name] = stored.alert.id;
    };
    // Made in this order; ranked: near (0.9), tie1 and tie2 (0.5, oldest first), none (0).
    await audit('tie1', 0.5, 'near-threshold', [det('open', 0.25)]);
    await audit('none', 0, 'random', []);
    await audit('near', 0.9, 'near-threshold', [det('short', 0.45)]);
    await audit('tie2', 0.5, 'near-threshold', [det('open', 0.25)]);
    const { frameId } = await h.frame(lineId, 'cam-a');
    defectAlert = (await h.alert(frameId, lineId, 'cam-a', modelId, 'high', [det('open', 0.9)])).id;
  }, 60_000);
  afterAll(() => h.stop(), 30_000);

  const ids = (body: { items: { id: string }[] }) => body.items.map((a) => a.id);

  it('lists audit items most uncertain first (ties oldest first) in keyset pages, with reason and uncertainty, apart from the alerts', async () => {
    const first = await h.request('operator', 'GET', `/api/v1/audit-items?lineId=${lineId}&limit=2`);
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual([items['near'], items['tie1']]);
    expect(first.body.items[0]).toMatchObject({
      kind: 'audit',
      audit: { reason: 'near-threshold', uncertainty: 0.9 },
      status: 'open',
      detections: [det('short', 0.45)],
    });
    const second = await h.request(
      'operator',
      'GET',
      `/api/v1/audit-items?lineId=${lineId}&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(ids(second.body)).toEqual([items['tie2'], items['none']]);
    expect(second.body.nextCursor).toBeNull();
    expect((await h.request('operator', 'GET', `/api/v1/audit-items?cursor=nonsense`)).status).toBe(400);

    // The alert queue and its count are defect alerts only.
    const alerts = await h.request('operator', 'GET', `/api/v1/alerts?lineId=${lineId}`);
    expect(ids(alerts.body)).toEqual([defectAlert]);
    expect(alerts.body.items[0]).toMatchObject({ kind: 'defect', audit: null });
    expect((await h.request('operator', 'GET', `/api/v1/alerts/count?lineId=${lineId}`)).body).toEqual({ count: 1, exact: true });
    // One item read as an alert says what it is.
    const detail = await h.request('operator', 'GET', `/api/v1/alerts/${items['near']}`);
    expect(detail.body).toMatchObject({ kind: 'audit', audit: { reason: 'near-threshold', uncertainty: 0.9 } });
  });

  it('takes a review through the alerts\' route: "no defect" publishes review-submitted with no boxes (a hard negative) and leaves the queue', async () => {
    const events = await h.collect(Topics.reviewSubmitted, (e) => Object.values(items).includes(e.alertId));
    const rejected = await h.request('operator', 'POST', `/api/v1/alerts/${items['near']}/reviews`, { decision: 'rejected' });
    expect(rejected.status).toBe(201);
    expect(rejected.body.alert).toMatchObject({ id: items['near'], kind: 'audit', status: 'rejected' });
    const boxes = [{ className: 'open', box: { x1: 11, y1: 12, x2: 31, y2: 41 } }];
    const corrected = await h.request('operator', 'POST', `/api/v1/alerts/${items['tie1']}/reviews`, { decision: 'corrected', boxes });
    expect(corrected.status).toBe(201);

    await waitFor('both reviews on Kafka', () => events.length >= 2, { timeoutMs: 20_000 });
    expect(events.find((e) => e.alertId === items['near'])).toMatchObject({ lineId, decision: 'rejected', boxes: [] });
    expect(events.find((e) => e.alertId === items['tie1'])).toMatchObject({ lineId, decision: 'corrected', boxes });

    const open = await h.request('operator', 'GET', `/api/v1/audit-items?lineId=${lineId}`);
    expect(ids(open.body)).toEqual([items['tie2'], items['none']]);
    const reviewed = await h.request('operator', 'GET', `/api/v1/audit-items?lineId=${lineId}&status=rejected`);
    expect(ids(reviewed.body)).toEqual([items['near']]);
    expect(reviewed.body.items[0].review).toMatchObject({ decision: 'rejected', boxes: [] });
  }, 40_000);
});
