import { type Detection, Topics } from '@argus/contracts';
import type { ModelEvaluation } from '@argus/persistence';
import { ConsoleApiHarness } from '../testing/console-api.harness';
import { waitFor } from '@argus/platform/testing';

const curve = (n: number, drop: number) => ({
  recall: Array.from({ length: n }, (_, i) => i / (n - 1)),
  precision: Array.from({ length: n }, (_, i) => 1 - (drop * i) / (n - 1)),
});
const evaluation = (map50: number, perClass: [string, number | null][]): ModelEvaluation => ({
  data: 'synthetic:factory',
  split: 'validation',
  imageCount: 120,
  map50,
  map: map50 / 2,
  perClass: perClass.map(([className, ap50]) => ({ className, ap50, ap: ap50 === null ? null : ap50 / 2, curve50: ap50 === null ? null : curve(101, 1 - ap50) })),
});
const det = (className: string): Detection => ({ className, score: 0.9, box: { x1: 1, y1: 1, x2: 20, y2: 20 } });

describe('console model governance and dashboard on Postgres, Kafka and S3', () => {
  const h = new ConsoleApiHarness();
  let lineId: string;
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    await h.start();
    await h.signInEveryone();
    lineId = await h.line('governed', ['cam-a']);
    v1 = (await h.model('factory', '20260101T000000Z', ['scratch', 'dent'], evaluation(0.8, [['scratch', 0.7], ['dent', 0.9]]))).id;
    v2 = (await h.model('factory', '20260201T000000Z', ['scratch', 'dent', 'crack'], evaluation(0.9, [['scratch', 0.85], ['dent', 0.88], ['crack', 0.95]]), v1)).id;
    await h.promotions().promote(lineId, v1, 'bootstrap', 'initial production model');
    await h.database.dataSource.query(`INSERT INTO frame_inference (frame_id, model_version_id, detection_count, inference_ms) VALUES ($1, $2, 1, 10), ($3, $2, 1, 30)`, [
      (await h.frame(lineId, 'cam-a')).frameId,
      v1,
      (await h.frame(lineId, 'cam-a')).frameId,
    ]);
  }, 60_000);
  afterAll(() => h.stop(), 30_000);

  it('lists versions newest first with the lines they serve, and shows one with lineage, evaluation and measured latency', async () => {
    const list = await h.request('operator', 'GET', `/api/v1/models?name=factory-${h.runId}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: string; productionOn: string[] }) => [m.id, m.productionOn])).toEqual([
      [v2, []],
      [v1, [lineId]],
    ]);
    const detail = await h.request('operator', 'GET', `/api/v1/models/${v2}`);
    expect(detail.body).toMatchObject({
      id: v2,
      backend: 'onnx',
      parentVersionId: v1,
      lineage: { parent: { id: v1, name: `factory-${h.runId}`, version: '20260101T000000Z' }, trainingData: { source: 'synthetic:factory', fingerprint: 'fp-20260201T000000Z', split: 'validation' } },
      evaluation: { imageCount: 120, map50: 0.9, latencyMs: null },
    });
    expect(detail.body.evaluation.perClass[2]).toMatchObject({ className: 'crack', ap50: 0.95 });
    expect(detail.body.evaluation.perClass[2].curve50.recall).toHaveLength(101);
    const measured = await h.request('operator', 'GET', `/api/v1/models/${v1}`);
    expect(measured.body.evaluation.latencyMs).toEqual({ p50: 20, p95: 29 });
  });

  it('compares two versions class by class', async () => {
    const response = await h.request('ml-engineer', 'GET', `/api/v1/models/compare?a=${v1}&b=${v2}`);
    expect(response.status).toBe(200);
    expect(response.body.overall).toEqual({ a: { map50: 0.8, map: 0.4 }, b: { map50: 0.9, map: 0.45 } });
    const rows = response.body.perClass.map((r: { className: string; a: unknown; b: unknown; deltaAp50: number | null }) => [r.className, r.a, r.b, r.deltaAp50 === null ? null : Number(r.deltaAp50.toFixed(3))]);
    expect(rows).toEqual([
      ['scratch', { ap50: 0.7, ap: 0.35 }, { ap50: 0.85, ap: 0.425 }, 0.15],
      ['dent', { ap50: 0.9, ap: 0.45 }, { ap50: 0.88, ap: 0.44 }, -0.02],
      ['crack', null, { ap50: 0.95, ap: 0.475 }, null],
    ]);
    expect((await h.request('ml-engineer', 'GET', `/api/v1/models/compare?a=${v1}`)).status).toBe(400);
    // Same source, split and image count, but each version's held-out split of other training data.
    expect(response.body.evaluationData).toMatchObject({ verdict: 'unverified', comparable: false });
  });

  it('gives no deltas between versions evaluated on different data, and says on which data each was', async () => {
    const pcb = (await h.model('pcb', '1.0.0', ['scratch', 'open'], { ...evaluation(0.96, [['scratch', 0.97], ['open', 0.95]]), data: 'deeppcb:../shared/datasets/deeppcb', imageCount: 200 })).id;
    const response = await h.request('ml-engineer', 'GET', `/api/v1/models/compare?a=${v1}&b=${pcb}`);
    expect(response.status).toBe(200);
    expect(response.body.evaluationData).toMatchObject({
      verdict: 'different',
      comparable: false,
      a: { source: 'synthetic:factory', split: 'validation', imageCount: 120 },
      b: { source: 'deeppcb:../shared/datasets/deeppcb', split: 'validation', imageCount: 200 },
    });
    expect(response.body.evaluationData.reason).toContain(`B (pcb-${h.runId}@1.0.0) on deeppcb:../shared/datasets/deeppcb (validation split, 200 images)`);
    expect(response.body.perClass.find((r: { className: string }) => r.className === 'scratch')).toMatchObject({ a: { ap50: 0.7 }, b: { ap50: 0.97 }, deltaAp50: null });
  });

  it("shows a version's training record from its package, the data it was evaluated on, and its promotions on every line", async () => {
    const record = { kind: 'argus.model-package', training: { command: 'npx argus train --data synthetic:factory --epochs 8', resumedWith: [], backend: 'wasm', data: { trainImages: 600, validationImages: 120 }, config: { epochs: 8, learningRate: 0.003 }, epochsRun: 8, bestEpoch: 7, stopReason: 'completed', trainingSeconds: 417.7 } };
    await h.store.put(`models/factory-${h.runId}/20260201T000000Z/metadata.json`, Buffer.from(JSON.stringify(record)), { contentType: 'application/json' });
    const detail = await h.request('operator', 'GET', `/api/v1/models/${v2}`);
    expect(detail.status).toBe(200);
    expect(detail.body.training).toEqual({
      command: 'npx argus train --data synthetic:factory --epochs 8',
      resumedWith: [],
      backend: 'wasm',
      epochsRun: 8,
      bestEpoch: 7,
      stopReason: 'completed',
      trainingSeconds: 417.7,
      trainImages: 600,
      validationImages: 120,
      hyperparameters: { epochs: 8, learningRate: 0.003 },
    });
    // The held-out split of its own training data: that data's fingerprint identifies the images.
    expect(detail.body.evaluation.data).toEqual({ source: 'synthetic:factory', split: 'validation', imageCount: 120, fingerprint: 'fp-20260201T000000Z', fingerprintOf: 'training-data' });
    // No package in the store: no training record, still an answer.
    expect((await h.request('operator', 'GET', `/api/v1/models/${v1}`)).body.training).toBeNull();

    const other = await h.line('elsewhere', ['cam-b']);
    await h.promotions().promote(other, v1, 'bootstrap', 'initial production model');
    const promotions = await h.request('operator', 'GET', `/api/v1/models/${v1}/promotions`);
    expect(promotions.status).toBe(200);
    expect(promotions.body.items.filter((p: { lineId: string }) => p.lineId === other)).toEqual([
      expect.objectContaining({ lineId: other, kind: 'promotion', from: null, to: { id: v1, name: `factory-${h.runId}`, version: '20260101T000000Z' }, promotedBy: 'bootstrap' }),
    ]);
    expect(promotions.body.items.map((p: { lineId: string }) => p.lineId)).toContain(lineId);
    expect((await h.request('operator', 'GET', `/api/v1/models/00000000-0000-4000-8000-000000000000/promotions`)).status).toBe(404);
  });

  it('refuses a rollback with nothing to roll back to (409, and the timeline says so), and names the version a promotion refuses', async () => {
    const fresh = await h.line('fresh', ['cam-c']);
    const empty = await h.request('ml-engineer', 'GET', `/api/v1/lines/${fresh}/promotions`);
    expect(empty.body).toEqual({ items: [], rollbackTo: null });
    const noModel = await h.request('ml-engineer', 'POST', `/api/v1/lines/${fresh}/rollback`, { reason: 'undo' });
    expect(noModel.status).toBe(409);
    expect(noModel.body.error).toMatchObject({ code: 'conflict', message: `line "${fresh}" has no production model`, details: { reason: 'model.no-production-version' } });

    await h.promotions().promote(fresh, v1, 'bootstrap', 'initial production model');
    expect((await h.request('ml-engineer', 'GET', `/api/v1/lines/${fresh}/promotions`)).body.rollbackTo).toBeNull();
    const first = await h.request('ml-engineer', 'POST', `/api/v1/lines/${fresh}/rollback`, { reason: 'undo' });
    expect(first.status).toBe(409);
    expect(first.body.error).toMatchObject({ code: 'conflict', message: `line "${fresh}" has no earlier production model to roll back to`, details: { reason: 'model.no-previous-version' } });

    expect((await h.request('ml-engineer', 'POST', `/api/v1/lines/${fresh}/promotions`, { modelVersionId: v2, reason: 'newer' })).status).toBe(201);
    expect((await h.request('ml-engineer', 'GET', `/api/v1/lines/${fresh}/promotions`)).body.rollbackTo).toEqual({ id: v1, name: `factory-${h.runId}`, version: '20260101T000000Z' });

    await h.lines().setAlertRules(fresh, [{ className: 'open', minScore: 0.5, minBoxAreaPx2: 4, severity: 'high' }]);
    const refused = await h.request('ml-engineer', 'POST', `/api/v1/lines/${fresh}/promotions`, { modelVersionId: v1, reason: 'back to v1' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `factory-${h.runId}@20260101T000000Z cannot serve line ${fresh}: it detects scratch, dent and the line's alert rules name open: none would ever alert`,
    );
  });

  it('refuses an operator\'s promotion with 403 and records access.denied', async () => {
    const response = await h.request('operator', 'POST', `/api/v1/lines/${lineId}/promotions`, { modelVersionId: v2, reason: 'looks better' });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
    const denied = (await h.database.dataSource.query(`SELECT actor FROM audit_log WHERE action = 'access.denied'`)) as { actor: string }[];
    expect(denied.map((d) => d.actor)).toContain(`operator${h.runId}`);
    expect((await h.registry().productionModelFor(lineId))?.modelVersion.id).toBe(v1);
  });

  it('promotes (reason required): moves the pointer, audits, publishes model-promoted (read back from Kafka); rolls back; shows the timeline', async () => {
    const events = await h.collect(Topics.modelPromoted, (e) => e.lineId === lineId);
    const noReason = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/promotions`, { modelVersionId: v2, reason: ' ' });
    expect(noReason.status).toBe(400);

    const promoted = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/promotions`, { modelVersionId: v2, reason: 'better recall on cracks' });
    expect(promoted.status).toBe(201);
    expect(promoted.body).toMatchObject({
      changed: true,
      promotion: { kind: 'promotion', from: { id: v1 }, to: { id: v2, version: '20260201T000000Z' }, promotedBy: `mlengineer${h.runId}`, reason: 'better recall on cracks' },
    });
    expect((await h.registry().productionModelFor(lineId))?.modelVersion.id).toBe(v2);
    await waitFor('model-promoted on Kafka', () => events.some((e) => e.promotionId === promoted.body.promotion.id), { timeoutMs: 20_000 });
    expect(events.find((e) => e.promotionId === promoted.body.promotion.id)).toMatchObject({ modelVersionId: v2, previousModelVersionId: v1, kind: 'promotion' });

    const lines = await h.request('operator', 'GET', '/api/v1/lines');
    expect(lines.body.items.find((l: { id: string }) => l.id === lineId)).toMatchObject({ cameras: [{ id: 'cam-a', name: 'cam-a' }], hasTemplate: false, production: { modelVersionId: v2 } });

    const rolledBack = await h.request('admin', 'POST', `/api/v1/lines/${lineId}/rollback`, { reason: 'false alarms on dents' });
    expect(rolledBack.status).toBe(201);
    expect(rolledBack.body.promotion).toMatchObject({ kind: 'rollback', from: { id: v2 }, to: { id: v1 }, promotedBy: 'admin' });
    expect((await h.registry().productionModelFor(lineId))?.modelVersion.id).toBe(v1);
    await waitFor('the rollback on Kafka', () => events.some((e) => e.kind === 'rollback'), { timeoutMs: 20_000 });

    const timeline = await h.request('operator', 'GET', `/api/v1/lines/${lineId}/promotions`);
    expect(timeline.body.items.map((p: { kind: string; to: { id: string } }) => [p.kind, p.to.id])).toEqual([
      ['rollback', v1],
      ['promotion', v2],
      ['promotion', v1],
    ]);
    const audit = (await h.database.dataSource.query(`SELECT actor, action FROM audit_log WHERE subject_id = $1 ORDER BY id`, [lineId])) as { actor: string; action: string }[];
    expect(audit).toEqual([
      { actor: 'bootstrap', action: 'model.promoted' },
      { actor: `mlengineer${h.runId}`, action: 'model.promoted' },
      { actor: 'admin', action: 'model.rolled-back' },
    ]);
    expect((await h.request('ml-engineer', 'POST', `/api/v1/lines/nope-${h.runId}/rollback`, { reason: 'none' })).status).toBe(404);
  }, 60_000);

  it('answers the dashboard: frames and alerts per minute per line, defect rate, production model, pipeline health', async () => {
    const frame = await h.frame(lineId, 'cam-a');
    await h.alert(frame.frameId, lineId, 'cam-a', v1, 'low', [det('scratch')]);
    const response = await h.request('operator', 'GET', '/api/v1/dashboard?minutes=10');
    expect(response.status).toBe(200);
    const line = response.body.lines.find((l: { lineId: string }) => l.lineId === lineId);
    expect(line.series).toHaveLength(10);
    const totals = line.series.reduce((sum: { frames: number; alerts: number }, p: { frames: number; alerts: number }) => ({ frames: sum.frames + p.frames, alerts: sum.alerts + p.alerts }), { frames: 0, alerts: 0 });
    expect(totals).toEqual({ frames: 3, alerts: 1 });
    expect(line.defectRate).toBeCloseTo(1 / 3);
    expect(line.framesPerMinute).toBeCloseTo(3 / 5);
    expect(line.production).toMatchObject({ modelVersionId: v1 });
    expect(response.body.pipeline.error).toBeUndefined();
    expect(response.body.pipeline.deadLetters).toEqual(expect.arrayContaining([expect.objectContaining({ topic: `${Topics.alertRaised.name}.dlq`, count: expect.any(Number) })]));
    expect(response.body.pipeline.consumerGroups).toEqual(expect.arrayContaining([expect.objectContaining({ groupId: `console-it-read-${Topics.modelPromoted.name}-${h.runId}`, topic: Topics.modelPromoted.name, lag: expect.any(Number) })]));
  }, 30_000);
});
