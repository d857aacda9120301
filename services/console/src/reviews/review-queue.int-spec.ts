import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { type AlertRaisedV1, type Detection, Topics } from '@argus/contracts';
import { deterministicEventId } from '@argus/messaging';
import { ConsoleApiHarness, pngBytes } from '../testing/console-api.harness';
import { waitFor } from '@argus/platform/testing';

const det = (className: string, score: number, x1 = 10): Detection => ({ className, score, box: { x1, y1: 10, x2: x1 + 20, y2: 40 } });

describe('console review queue on Postgres, Kafka and S3', () => {
  const h = new ConsoleApiHarness();
  let lineId: string;
  let plainLine: string;
  let modelId: string;
  const template = pngBytes('golden template');
  const alerts: Record<string, string> = {};
  const frames: Record<string, { frameId: string; bytes: Buffer }> = {};

  beforeAll(async () => {
    await h.start();
    await h.signInEveryone();
    lineId = await h.line('review', ['cam-a', 'cam-b'], template);
    plainLine = await h.line('plain', ['cam-a']);
    modelId = (await h.model('pcb', '1', ['open', 'short', 'spur'])).id;
    // Oldest first: a (cam-a, high, open), b (cam-b, low, short+spur), c (cam-a, critical, spur), d (cam-a, medium, open)
    const specs: [string, string, 'low' | 'medium' | 'high' | 'critical', Detection[]][] = [
      ['a', 'cam-a', 'high', [det('open', 0.9)]],
      ['b', 'cam-b', 'low', [det('short', 0.6), det('spur', 0.55, 100)]],
      ['c', 'cam-a', 'critical', [det('spur', 0.97)]],
      ['d', 'cam-a', 'medium', [det('open', 0.7)]],
    ];
    for (const [name, camera, severity, detections] of specs) {
      frames[name] = await h.frame(lineId, camera);
      alerts[name] = (await h.alert(frames[name].frameId, lineId, camera, modelId, severity, detections)).id;
    }
  }, 60_000);
  afterAll(() => h.stop(), 30_000);

  it('answers 401 to an anonymous request', async () => {
    const response = await h.request('anonymous', 'GET', `/api/v1/alerts?lineId=${lineId}`);
    expect(response.status).toBe(401);
    expect(response.body.error).toMatchObject({ code: 'unauthenticated', errorId: expect.any(String) });
  });

  it('lists open alerts newest first, filtered by line, camera, severity and class, in keyset pages', async () => {
    const first = await h.request('operator', 'GET', `/api/v1/alerts?lineId=${lineId}&limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((a: { id: string }) => a.id)).toEqual([alerts['d'], alerts['c'], alerts['b']]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await h.request(
      'operator',
      'GET',
      `/api/v1/alerts?lineId=${lineId}&limit=3&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items.map((a: { id: string }) => a.id)).toEqual([alerts['a']]);
    expect(second.body.nextCursor).toBeNull();

    const ids = async (query: string) =>
      (await h.request('operator', 'GET', `/api/v1/alerts?lineId=${lineId}&${query}`)).body.items.map((a: { id: string }) => a.id);
    expect(await ids('cameraId=cam-b')).toEqual([alerts['b']]);
    expect(await ids('severity=critical')).toEqual([alerts['c']]);
    expect(await ids('className=spur')).toEqual([alerts['c'], alerts['b']]);
    expect(await ids('className=open&cameraId=cam-a')).toEqual([alerts['d'], alerts['a']]);

    const b = first.body.items[2];
    expect(b).toMatchObject({
      lineId,
      cameraId: 'cam-b',
      severity: 'low',
      status: 'open',
      classes: ['short', 'spur'],
      modelVersionId: modelId,
      frame: { width: 640, height: 480 },
    });
    expect(b.detections).toHaveLength(2);
    expect(new Date(b.capturedAt).toISOString()).toBe(b.capturedAt);

    const bad = await h.request('operator', 'GET', `/api/v1/alerts?severity=urgent&limit=999&cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-request');
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['limit', 'severity']);
    const badCursor = await h.request('operator', 'GET', `/api/v1/alerts?cursor=nonsense`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.details.issues[0].path).toBe('cursor');
  });

  it('shows an alert with its image and template URLs, the model classes and its reviews; streams the frame and template bytes', async () => {
    const detail = await h.request('operator', 'GET', `/api/v1/alerts/${alerts['a']}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: alerts['a'],
      imageUrl: `/api/v1/frames/${frames['a']?.frameId}/image`,
      templateUrl: `/api/v1/frames/${frames['a']?.frameId}/template`,
      modelClasses: ['open', 'short', 'spur'],
      reviews: [],
    });
    const image = await h.bytes('operator', detail.body.imageUrl);
    expect(image.status).toBe(200);
    expect(image.contentType).toBe('image/png');
    expect(image.bytes.equals(frames['a']?.bytes as Buffer)).toBe(true);
    const tpl = await h.bytes('operator', detail.body.templateUrl);
    expect(tpl.bytes.equals(template)).toBe(true);

    const plainFrame = await h.frame(plainLine, 'cam-a');
    expect((await h.bytes('operator', `/api/v1/frames/${plainFrame.frameId}/template`)).status).toBe(404);
    expect((await h.request('operator', 'GET', `/api/v1/frames/${randomUUID()}/image`)).status).toBe(404);
    expect((await h.request('operator', 'GET', `/api/v1/alerts/${randomUUID()}`)).status).toBe(404);
  });

  it('records a correction, audits it, publishes review-submitted (read back from Kafka), and takes the alert out of the queue', async () => {
    const events = await h.collect(Topics.reviewSubmitted, (e) => Object.values(alerts).includes(e.alertId));
    const boxes = [{ className: 'short', box: { x1: 12, y1: 11, x2: 33, y2: 41 } }];
    const response = await h.request('operator', 'POST', `/api/v1/alerts/${alerts['a']}/reviews`, {
      decision: 'corrected',
      boxes,
      comment: 'relabelled',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      review: { decision: 'corrected', boxes, comment: 'relabelled' },
      alert: { id: alerts['a'], status: 'corrected' },
      conflictsWith: null,
    });
    const reviewId = response.body.review.id as string;

    const rows = await h.reviews().reviewsFor(alerts['a'] as string);
    expect(rows).toEqual([expect.objectContaining({ id: reviewId, decision: 'corrected', boxes })]);
    const audit = (await h.database.dataSource.query(`SELECT actor, action, "before", "after" FROM audit_log WHERE subject_id = $1`, [
      alerts['a'],
    ])) as {
      actor: string;
      action: string;
      before: unknown;
      after: { status: string; reviewId: string };
    }[];
    expect(audit).toEqual([
      {
        actor: `operator${h.runId}`,
        action: 'review.submitted',
        before: { status: 'open' },
        after: expect.objectContaining({ status: 'corrected', reviewId }),
      },
    ]);

    await waitFor('review-submitted on Kafka', () => events.some((e) => e.reviewId === reviewId), { timeoutMs: 20_000 });
    expect(events.find((e) => e.reviewId === reviewId)).toMatchObject({
      eventId: deterministicEventId('review-submitted', reviewId),
      alertId: alerts['a'],
      frameId: frames['a']?.frameId,
      lineId,
      decision: 'corrected',
      boxes,
      templateKey: `console-it/${lineId}/template.png`,
      objectKey: expect.stringContaining(frames['a']?.frameId as string),
    });

    const open = await h.request('operator', 'GET', `/api/v1/alerts?lineId=${lineId}`);
    expect(open.body.items.map((a: { id: string }) => a.id)).not.toContain(alerts['a']);
    const corrected = await h.request('operator', 'GET', `/api/v1/alerts?lineId=${lineId}&status=corrected`);
    expect(corrected.body.items.map((a: { id: string }) => a.id)).toEqual([alerts['a']]);
    // The correction is what the alert shows from now on: its latest review, boxes and all.
    const reviewed = { id: reviewId, decision: 'corrected', boxes, comment: 'relabelled', reviewer: `operator${h.runId}` };
    expect(corrected.body.items[0].review).toMatchObject(reviewed);
    expect((await h.request('operator', 'GET', `/api/v1/alerts/${alerts['a']}`)).body.review).toMatchObject(reviewed);
    expect(response.body.alert.review).toMatchObject(reviewed);

    // A retry with the same reviewId records nothing new and answers the same review.
    const retry = await h.request('operator', 'POST', `/api/v1/alerts/${alerts['a']}/reviews`, { decision: 'corrected', boxes, reviewId });
    expect(retry.status).toBe(201);
    expect(retry.body.review.id).toBe(reviewId);
    expect(await h.reviews().reviewsFor(alerts['a'] as string)).toHaveLength(1);
  }, 40_000);

  it('records a second, conflicting decision by another reviewer and names the review it disagrees with', async () => {
    const first = await h.request('operator', 'POST', `/api/v1/alerts/${alerts['c']}/reviews`, { decision: 'confirmed' });
    expect(first.status).toBe(201);
    expect(first.body.review.boxes).toEqual([{ className: 'spur', box: { x1: 10, y1: 10, x2: 30, y2: 40 } }]);
    const second = await h.request('admin', 'POST', `/api/v1/alerts/${alerts['c']}/reviews`, {
      decision: 'rejected',
      comment: 'dust, not a spur',
    });
    expect(second.status).toBe(201);
    expect(second.body.conflictsWith).toBe(first.body.review.id);
    expect(second.body.alert.status).toBe('rejected');
    const detail = await h.request('operator', 'GET', `/api/v1/alerts/${alerts['c']}`);
    expect(detail.body.reviews.map((r: { decision: string; reviewer: string }) => [r.decision, r.reviewer])).toEqual([
      ['confirmed', `operator${h.runId}`],
      ['rejected', 'admin'],
    ]);
    const invalid = await h.request('operator', 'POST', `/api/v1/alerts/${alerts['c']}/reviews`, { decision: 'corrected' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid-request');
  });

  it('applies a bulk decision to each alert (confirmation required) and refuses an ml-engineer', async () => {
    const unconfirmed = await h.request('operator', 'POST', '/api/v1/alerts/bulk-review', {
      decision: 'rejected',
      alertIds: [alerts['b']],
    });
    expect(unconfirmed.status).toBe(400);
    const forbidden = await h.request('ml-engineer', 'POST', '/api/v1/alerts/bulk-review', {
      decision: 'rejected',
      alertIds: [alerts['b']],
      confirm: true,
    });
    expect(forbidden.status).toBe(403);
    const missing = randomUUID();
    const response = await h.request('operator', 'POST', '/api/v1/alerts/bulk-review', {
      decision: 'rejected',
      alertIds: [alerts['b'], alerts['d'], missing],
      confirm: true,
    });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([
      { alertId: alerts['b'], reviewId: expect.any(String) },
      { alertId: alerts['d'], reviewId: expect.any(String) },
      { alertId: missing, error: { code: 'not-found', message: expect.stringContaining(missing) } },
    ]);
    for (const name of ['b', 'd']) {
      expect((await h.alerts().findById(alerts[name] as string))?.status).toBe('rejected');
      expect(await h.reviews().reviewsFor(alerts[name] as string)).toHaveLength(1);
    }
  });

  it("counts the queue per filter, each line's backlog on the dashboard, and names the alert's model with its thresholds", async () => {
    const count = async (query: string) => (await h.request('operator', 'GET', `/api/v1/alerts/count?${query}`)).body;
    // By now a is corrected, b and d rejected, c rejected (second opinion): nothing of the line is open.
    expect(await count(`lineId=${lineId}`)).toEqual({ count: 0, exact: true });
    expect(await count(`lineId=${lineId}&status=rejected`)).toEqual({ count: 3, exact: true });
    expect(await count(`lineId=${lineId}&status=all&className=open`)).toEqual({ count: 2, exact: true });
    const frame = await h.frame(lineId, 'cam-b');
    const fresh = await h.alert(frame.frameId, lineId, 'cam-b', modelId, 'low', [det('spur', 0.8)]);
    expect(await count(`lineId=${lineId}`)).toEqual({ count: 1, exact: true });
    expect(await count(`lineId=${lineId}&cameraId=cam-a`)).toEqual({ count: 0, exact: true });
    expect((await h.request('operator', 'GET', `/api/v1/alerts/count?severity=urgent`)).status).toBe(400);

    const dashboard = await h.request('operator', 'GET', '/api/v1/dashboard?minutes=5');
    expect(dashboard.status).toBe(200);
    const line = dashboard.body.lines.find((l: { lineId: string }) => l.lineId === lineId);
    expect(line.backlog).toEqual({ count: 1, exact: true });
    expect(dashboard.body.lines.find((l: { lineId: string }) => l.lineId === plainLine).backlog).toEqual({ count: 0, exact: true });

    // The thresholds come from the version's package (metadata.json, uploaded at registration).
    const model = await h.registry().findVersion(modelId);
    const before = await h.request('operator', 'GET', `/api/v1/alerts/${fresh.id}`);
    expect(before.body.model).toEqual({ id: modelId, name: model?.name, version: '1', scoreThreshold: null, deploymentThreshold: null });
    const metadata = { postprocessing: { scoreThreshold: 0.05, nmsIouThreshold: 0.5, maxDetections: 100, deploymentThreshold: 0.42 } };
    await h.store.put(`${model?.artifactKey}/metadata.json`, Buffer.from(JSON.stringify(metadata)), { contentType: 'application/json' });
    const after = await h.request('operator', 'GET', `/api/v1/alerts/${fresh.id}`);
    expect(after.body.model).toEqual({ id: modelId, name: model?.name, version: '1', scoreThreshold: 0.05, deploymentThreshold: 0.42 });
    expect(after.body.review).toBeNull();
    expect(after.body.alertRules).toEqual([]);
  });

  it('streams an alert raised on Kafka to a connected client (SSE), with pings', async () => {
    const frame = await h.frame(lineId, 'cam-b');
    const alert = await h.alert(frame.frameId, lineId, 'cam-b', modelId, 'high', [det('open', 0.88)]);
    let received = '';
    const request = httpRequest(`${h.url}/api/v1/alerts/stream`, {
      headers: { cookie: h.cookieOf('operator'), accept: 'text/event-stream' },
    });
    const status = new Promise<number>((resolve, reject) => {
      request.on('response', (response) => {
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (received += chunk));
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
    });
    request.end();
    try {
      expect(await status).toBe(200);
      const event: AlertRaisedV1 = {
        eventId: deterministicEventId('alert-raised', alert.id),
        occurredAt: new Date().toISOString(),
        alertId: alert.id,
        frameId: frame.frameId,
        lineId,
        cameraId: 'cam-b',
        modelVersionId: modelId,
        severity: 'high',
        objectKey: frame.objectKey,
        detections: [det('open', 0.88)],
      };
      // The stream's consumer group starts at the end of the topic once it has joined: publish
      // until the event comes through (each publish is the same alert, so repeats are harmless).
      await waitFor(
        'alert.raised on the stream',
        async () => {
          if (received.includes(`"id":"${alert.id}"`)) return true;
          await h.bus.publish(Topics.alertRaised, event);
          return false;
        },
        { timeoutMs: 45_000, intervalMs: 1000 },
      );
      const block = received.split('\n\n').find((b) => b.includes(`"id":"${alert.id}"`)) ?? '';
      expect(block).toMatch(/^event: alert\.raised\ndata: /m);
      expect(JSON.parse(block.split('data: ')[1] as string)).toMatchObject({
        id: alert.id,
        lineId,
        cameraId: 'cam-b',
        status: 'open',
        classes: ['open'],
      });
      await waitFor('a ping', () => received.includes(': ping'), { timeoutMs: 5000 });

      // A decision made here reaches connected clients too.
      const reviewed = await h.request('operator', 'POST', `/api/v1/alerts/${alert.id}/reviews`, { decision: 'confirmed' });
      await waitFor('alert.reviewed on the stream', () => received.includes('event: alert.reviewed'), { timeoutMs: 5000 });
      const notice = received.split('\n\n').find((b) => b.startsWith('event: alert.reviewed')) ?? '';
      expect(JSON.parse(notice.split('data: ')[1] as string)).toEqual({
        alertId: alert.id,
        status: 'confirmed',
        reviewId: reviewed.body.review.id,
        reviewer: `operator${h.runId}`,
      });
    } finally {
      request.destroy();
    }
  }, 60_000);
});
