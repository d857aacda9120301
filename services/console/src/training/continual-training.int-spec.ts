import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Topics, type TrainingTriggerAnsweredV1 } from '@argus/contracts';
import {
  AuditLogRepository,
  DatasetVersionRepository,
  DetectionRepository,
  ShadowModelRepository,
  TrainingJobRepository,
} from '@argus/persistence';
import { waitFor } from '@argus/platform/testing';
import { ConsoleApiHarness } from '../testing/console-api.harness';

const FINGERPRINT = `sha256:${'ab'.repeat(32)}`;

describe('console: the continual fine-tune loop’s data sets, jobs and candidates on Postgres, Kafka and S3', () => {
  const h = new ConsoleApiHarness();
  let lineId: string;
  let productionId: string;
  let datasetId: string;
  let manifest: Buffer;
  const jobs = () => new TrainingJobRepository(h.database.dataSource);
  const audit = () => new AuditLogRepository(h.database.dataSource);

  async function job(status: 'running' | 'queued', requestedBy = 'policy'): Promise<string> {
    const id = randomUUID();
    const created = await jobs().create({
      id,
      lineId,
      datasetVersionId: datasetId,
      baseModelVersionId: productionId,
      baseArtifactKey: `models/pcb-${h.runId}/1.0.0`,
      triggers: [{ kind: 'new-labels', reason: '40 frames labelled since the last job' }],
      requestedBy,
      epochs: 3,
      seed: 1,
    });
    if (!created.created) throw new Error(`line busy with ${created.activeJobId}`);
    if (status === 'running') {
      await jobs().claim(id, 'worker-1');
      await jobs().recordProgress(id, {
        phase: 'training',
        step: 4,
        totalSteps: 12,
        losses: { total: 2.5 },
        validationAp: null,
        etaSeconds: 40,
        message: null,
      });
    }
    return id;
  }

  beforeAll(async () => {
    await h.start();
    await h.signInEveryone();
    lineId = await h.line('continual', ['cam-a']);
    productionId = (await h.model('pcb', '1.0.0', ['open', 'short'])).id;
    await h.promotions().promote(lineId, productionId, 'bootstrap', 'initial production model');
    manifest = Buffer.from('{"image":"a.png","boxes":[]}\n{"image":"b.png","boxes":[]}\n');
    const prefix = `datasets/${lineId}/1`;
    await h.store.put(`${prefix}/manifest.jsonl`, manifest, { contentType: 'application/x-ndjson' });
    await h.store.put(`${prefix}/coco.json`, Buffer.from('{"images":[],"annotations":[],"categories":[]}'), {
      contentType: 'application/json',
    });
    const version = await new DatasetVersionRepository(h.database.dataSource).create({
      lineId,
      number: 1,
      parentId: null,
      fingerprint: FINGERPRINT,
      holdoutShare: 0.2,
      classes: ['open', 'pin-hole'],
      counts: {
        frames: { train: 8, holdout: 2 },
        hardNegatives: { train: 3, holdout: 1 },
        perClass: {
          'pin-hole': { trainFrames: 4, holdoutFrames: 1, trainBoxes: 5, holdoutBoxes: 1 },
          open: { trainFrames: 1, holdoutFrames: 0, trainBoxes: 1, holdoutBoxes: 0 },
        },
      },
      changes: { added: ['f1', 'f2'], relabelled: ['f3'], unchanged: 7 },
      contentKey: `${prefix}/version.json`,
      manifestKey: `${prefix}/manifest.jsonl`,
      cocoKey: `${prefix}/coco.json`,
      producedBy: 'policy',
    });
    if (!version) throw new Error('data set version not created');
    datasetId = version.id;
  }, 60_000);
  afterAll(() => h.stop(), 30_000);

  it('lists a line’s data set versions and shows one; streams its manifest and COCO export; operators are refused', async () => {
    const list = await h.request('ml-engineer', 'GET', `/api/v1/lines/${lineId}/datasets`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: datasetId,
        number: 1,
        producedBy: 'policy',
        fingerprint: FINGERPRINT,
        frames: { train: 8, holdout: 2 },
        hardNegatives: { train: 3, holdout: 1 },
        perClass: [
          { className: 'open', trainFrames: 1, holdoutFrames: 0, trainBoxes: 1, holdoutBoxes: 0 },
          { className: 'pin-hole', trainFrames: 4, holdoutFrames: 1, trainBoxes: 5, holdoutBoxes: 1 },
        ],
        changes: { added: 2, relabelled: 1, unchanged: 7 },
      }),
    ]);
    const detail = await h.request('admin', 'GET', `/api/v1/datasets/${datasetId}`);
    expect(detail.body).toMatchObject({ id: datasetId, addedFrameIds: ['f1', 'f2'], relabelledFrameIds: ['f3'] });
    const file = await h.bytes('ml-engineer', `/api/v1/datasets/${datasetId}/manifest`);
    expect(file).toMatchObject({ status: 200, contentType: 'application/x-ndjson' });
    expect(file.bytes.equals(manifest)).toBe(true);
    expect(JSON.parse((await h.bytes('ml-engineer', `/api/v1/datasets/${datasetId}/coco`)).bytes.toString('utf8'))).toEqual({
      images: [],
      annotations: [],
      categories: [],
    });
    expect((await h.request('ml-engineer', 'GET', `/api/v1/datasets/${randomUUID()}`)).status).toBe(404);
    expect((await h.request('ml-engineer', 'GET', `/api/v1/lines/no-such-line/datasets`)).status).toBe(404);
    expect((await h.request('operator', 'GET', `/api/v1/lines/${lineId}/datasets`)).status).toBe(403);
  });

  it('lists jobs with their progress, cancels a running one (audited) and answers 409 once it has ended', async () => {
    const running = await job('running');
    const list = await h.request('ml-engineer', 'GET', `/api/v1/lines/${lineId}/training-jobs`);
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({
      id: running,
      status: 'running',
      attempt: 1,
      workerId: 'worker-1',
      triggers: [{ kind: 'new-labels', reason: '40 frames labelled since the last job' }],
      progress: { phase: 'training', step: 4, totalSteps: 12, losses: { total: 2.5 }, etaSeconds: 40 },
      outcome: null,
      candidate: null,
    });
    const cancelled = await h.request('ml-engineer', 'POST', `/api/v1/training-jobs/${running}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id: running, cancelRequested: true });
    expect(await jobs().cancelRequested(running)).toBe(true);
    const entries = await audit().list({ action: 'training-job.cancel-requested', subjectId: running }, { limit: 10 });
    expect(entries.items).toEqual([expect.objectContaining({ actor: `mlengineer${h.runId}`, subjectType: 'training_job' })]);

    await jobs().fail(running, {
      status: 'cancelled',
      errorCode: 'training-job.cancelled',
      reason: 'cancelled by an engineer',
      attempt: 1,
    });
    const again = await h.request('ml-engineer', 'POST', `/api/v1/training-jobs/${running}/cancel`, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'training-job.ended', details: { status: 'cancelled' } } });
    expect((await h.request('ml-engineer', 'GET', `/api/v1/training-jobs/${running}`)).body).toMatchObject({
      status: 'cancelled',
      outcome: { status: 'cancelled', errorCode: 'training-job.cancelled', reason: 'cancelled by an engineer' },
    });
    expect((await h.request('operator', 'POST', `/api/v1/training-jobs/${running}/cancel`, {})).status).toBe(403);
  });

  it('publishes "trigger now" on Kafka (audited) and streams the answer and the jobs’ progress to a connected client', async () => {
    const triggered = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/training-jobs`, { reason: 'pin-hole corrections' });
    expect(triggered.status).toBe(202);
    expect(triggered.body).toMatchObject({ lineId, requestedBy: `mlengineer${h.runId}`, reason: 'pin-hole corrections' });
    const requestId: string = triggered.body.requestId;
    const published = await h.collect(Topics.trainingTriggerRequested, (m) => m.requestId === requestId);
    await waitFor('the trigger request on Kafka', () => published.length === 1, { timeoutMs: 30_000 });
    expect(published[0]).toMatchObject({ lineId, requestedBy: `mlengineer${h.runId}`, reason: 'pin-hole corrections' });
    expect((await audit().list({ action: 'training-job.trigger-requested', subjectId: lineId }, { limit: 10 })).items).toHaveLength(1);
    expect((await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/training-jobs`, { reason: '' })).status).toBe(400);

    let received = '';
    const request = httpRequest(`${h.url}/api/v1/training-jobs/stream?lineId=${lineId}`, {
      headers: { cookie: h.cookieOf('ml-engineer'), accept: 'text/event-stream' },
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
      const answer: TrainingTriggerAnsweredV1 = {
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        requestId,
        lineId,
        requestedBy: `mlengineer${h.runId}`,
        outcome: 'refused',
        jobId: null,
        errorCode: 'training-job.nothing-labelled',
        reason: `line ${lineId} has no labelled frame yet: review some alerts or audit items first`,
      };
      // The stream's groups start at the end of the topic once they have joined: publish until it comes through.
      await waitFor(
        'training.trigger-answered on the stream',
        async () => {
          if (received.includes(`"requestId":"${requestId}"`)) return true;
          await h.bus.publish(Topics.trainingTriggerAnswered, answer);
          // Another line's answer is not this client's.
          await h.bus.publish(Topics.trainingTriggerAnswered, { ...answer, lineId: 'another-line', requestId: randomUUID() });
          return false;
        },
        { timeoutMs: 45_000, intervalMs: 1000 },
      );
      const block = received.split('\n\n').find((b) => b.includes(`"requestId":"${requestId}"`)) ?? '';
      expect(block).toMatch(/^event: training\.trigger-answered\ndata: /m);
      expect(JSON.parse(block.split('data: ')[1] as string)).toMatchObject({
        outcome: 'refused',
        errorCode: 'training-job.nothing-labelled',
      });
      expect(received).not.toContain('another-line');

      const jobId = randomUUID();
      await waitFor(
        'training.progress on the stream',
        async () => {
          if (received.includes(`"jobId":"${jobId}"`)) return true;
          await h.bus.publish(Topics.trainingJobProgress, {
            eventId: randomUUID(),
            occurredAt: new Date().toISOString(),
            jobId,
            lineId,
            workerId: 'worker-1',
            attempt: 1,
            phase: 'training',
            step: 5,
            totalSteps: 12,
            losses: { total: 2.1 },
            validationAp: 0.31,
            etaSeconds: 30,
            message: null,
          });
          return false;
        },
        { timeoutMs: 45_000, intervalMs: 1000 },
      );
      expect(received).toMatch(/event: training\.progress\ndata: \{[^\n]*"step":5/);
      await waitFor('a ping', () => received.includes(': ping'), { timeoutMs: 5000 });
    } finally {
      request.destroy();
    }
  }, 120_000);

  it('shows a candidate that failed its gates with its report and job; only an admin may promote it, with an override that is audited', async () => {
    const candidate = await h.registry().register({
      name: `pcb-${h.runId}`,
      version: 'ft-0001',
      artifactKey: `models/pcb-${h.runId}/ft-0001`,
      classes: ['open', 'short', 'pin-hole'],
      backend: 'onnx',
      metrics: { gatesPassed: 0, gateLatencyRatio: 1.4 },
      parentVersionId: productionId,
      trainingDataFingerprint: FINGERPRINT,
      trainingData: { source: 'manifest', fingerprint: FINGERPRINT, split: 'train' },
      evaluation: null,
    });
    const candidateId = candidate.version.id;
    const report = {
      passed: false,
      policy: { maxClassDropPoints: 1, minNewDataGainPoints: 1, maxLatencyRatio: 1.1 },
      checks: [{ kind: 'latency', passed: false, detail: 'latency 1.40 × production (limit 1.10 ×)', measured: 1.4, limit: 1.1 }],
      reasons: ['latency 1.40 × production (limit 1.10 ×)'],
    };
    await h.store.put(`models/pcb-${h.runId}/ft-0001/gate-report.json`, Buffer.from(JSON.stringify(report)), {
      contentType: 'application/json',
    });
    const made = await job('running');
    await jobs().complete(
      made,
      { status: 'completed', durationMs: 5000, gates: { passed: false, reasons: report.reasons } },
      { modelVersionId: candidateId, gatesPassed: false },
    );

    const page = await h.request('ml-engineer', 'GET', `/api/v1/candidates/${candidateId}`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      version: { id: candidateId, version: 'ft-0001', parentVersionId: productionId },
      gatesPassed: false,
      gateReport: { passed: false, reasons: report.reasons, checks: [{ kind: 'latency', passed: false, measured: 1.4, limit: 1.1 }] },
      promotion: { needsAdminOverride: true },
      job: {
        id: made,
        status: 'completed',
        candidate: { modelVersionId: candidateId, gatesPassed: false },
        outcome: { gateReasons: report.reasons },
      },
      dataset: { id: datasetId, number: 1 },
      shadow: { state: 'none', message: 'no shadow run yet' },
    });
    expect((await h.request('ml-engineer', 'GET', `/api/v1/candidates/${randomUUID()}`)).status).toBe(404);

    const refused = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/promotions`, {
      modelVersionId: candidateId,
      reason: 'better on pin-hole',
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'conflict', details: { reason: 'model.gates-failed' } } });
    const notAdmin = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/promotions`, {
      modelVersionId: candidateId,
      reason: 'better on pin-hole',
      gateOverride: { reason: 'latency measured on a loaded host' },
    });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body).toMatchObject({ error: { code: 'promotion.gate-override-requires-admin' } });
    const overridden = await h.request('admin', 'POST', `/api/v1/lines/${lineId}/promotions`, {
      modelVersionId: candidateId,
      reason: 'better on pin-hole',
      gateOverride: { reason: 'latency measured on a loaded host' },
    });
    expect(overridden.status).toBe(201);
    expect(overridden.body).toMatchObject({ changed: true, promotion: { to: { id: candidateId } } });
    const entries = await audit().list({ action: 'model.promoted', subjectId: lineId }, { limit: 10 });
    expect(entries.items[0]).toMatchObject({
      actor: 'admin',
      after: { modelVersionId: candidateId, reason: 'better on pin-hole', gateOverride: { reason: 'latency measured on a loaded host' } },
    });
  });
  it('shows the shadow section of a candidate that shadows its line: frames scored and agreement with production', async () => {
    const passing = await h.registry().register({
      name: `pcb-${h.runId}`,
      version: 'ft-0002',
      artifactKey: `models/pcb-${h.runId}/ft-0002`,
      classes: ['open', 'short'],
      backend: 'onnx',
      metrics: { gatesPassed: 1 },
      parentVersionId: productionId,
      trainingDataFingerprint: FINGERPRINT,
      trainingData: { source: 'manifest', fingerprint: FINGERPRINT, split: 'train' },
      evaluation: null,
    });
    const candidateId = passing.version.id;
    const made = await job('running');
    await jobs().complete(
      made,
      { status: 'completed', durationMs: 5000, gates: { passed: true, reasons: [] } },
      { modelVersionId: candidateId, gatesPassed: true },
    );
    const before = await h.request('ml-engineer', 'GET', `/api/v1/candidates/${candidateId}`);
    expect(before.body.shadow).toEqual({
      state: 'none',
      message: 'no shadow run yet',
      lineId,
      framesScored: 0,
      firstScoredAt: null,
      lastScoredAt: null,
      agreement: null,
    });

    const shadows = new ShadowModelRepository(h.database.dataSource);
    await shadows.setShadow({ lineId, modelVersionId: candidateId, setBy: 'continual-fine-tune', reason: 'gates passed' });
    // The previous test promoted its candidate: production is whatever the line serves now.
    const productionVersion = (await h.registry().productionEntry(lineId))?.promotion.toVersionId ?? productionId;
    const box = { x1: 1, y1: 1, x2: 20, y2: 20 };
    for (let i = 0; i < 2; i++) {
      const { frameId } = await h.frame(lineId, 'cam-a');
      await new DetectionRepository(h.database.dataSource).saveForFrame(
        frameId,
        productionVersion,
        [{ className: 'open', score: 0.9, box }],
        { inferenceMs: 5 },
      );
      await shadows.saveDetections({
        frameId,
        lineId,
        modelVersionId: candidateId,
        detections: [{ className: 'open', score: 0.9, box }],
        inferenceMs: 6,
      });
    }
    const page = await h.request('ml-engineer', 'GET', `/api/v1/candidates/${candidateId}`);
    expect(page.status).toBe(200);
    expect(page.body.shadow).toMatchObject({
      state: 'running',
      lineId,
      framesScored: 2,
      message: `shadowing ${lineId}: 2 frames scored so far`,
      agreement: { frames: 2, reviewedFrames: 0 },
    });
  });
});
