/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Topics } from '@argus/contracts';
import { AuditLogRepository } from '@argus/persistence';
import { waitFor } from '@argus/platform/testing';
import { publishModelPackage } from '@argus/registry';
import { ConsoleApiHarness } from '../testing/console-api.harness';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** A free TCP port for the continual-fine-tune process's health endpoints. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The new-line wizard end to end on infra/local (Kafka, S3Proxy, Postgres): the console's API in
 * this process, continual-fine-tune as its own process (labels, triggers and a trainer worker, as
 * main.ts boots it) on the same throw-away database. A line, its camera and template (refused on
 * a line without one), six frames uploaded and picked into the onboarding set, labelled through
 * the review API (the box tools' backend), an adaptation of a tiny base model from four shots
 * evaluated on the other two, the candidate with its evaluation, its promotion, and the audit rows.
 */
describe('console: the new-line wizard on Kafka, S3Proxy, Postgres and a real trainer worker', () => {
  jest.setTimeout(240_000);
  const h = new ConsoleApiHarness();
  let work: string;
  let continual: ChildProcess | undefined;
  const output: string[] = [];
  let baseId: string;
  let vision: typeof import('@argus/vision');
  const lineId = `cells-${h.runId}`;
  const audit = () => new AuditLogRepository(h.database.dataSource);

  beforeAll(async () => {
    // The console loads @argus/vision lazily (onboarding-image.reader), so its tests do too (lint's module boundaries).
    vision = await import('@argus/vision');
    const { CELL_SMEAR_CLASSES, DEFAULT_TRAINER_CONFIG, folderPackageFiles, runTrainingPipeline, selectTfBackend } = vision;
    const { tinyPcbSpec } = await import('@argus/vision/testing');
    work = await mkdtemp(path.join(tmpdir(), 'argus-new-line-'));
    await h.start();
    await h.signInEveryone();
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' } });
    // The base: a tiny plain (no template) detector, registered as the nearest production model would be.
    const spec = { ...tinyPcbSpec([...CELL_SMEAR_CLASSES]), name: 'tiny-cells', template: 'none' as const };
    await runTrainingPipeline({
      spec,
      data: { kind: 'synthetic', feed: 'medical' },
      dataOptions: { seed: 1, syntheticCount: 8, syntheticValidationCount: 2, syntheticSize: 96 },
      config: { ...DEFAULT_TRAINER_CONFIG, epochs: 1, batchSize: 4, cropsPerImage: 1, learningRate: 0.01, progressEverySeconds: 3600 },
      runDir: path.join(work, 'base-run'),
      out: folderPackageFiles(path.join(work, 'base')),
      resume: false,
      command: 'new-line wizard int test: base',
      argusVersion: 'test',
      backend: 'wasm',
      name: `tiny-cells-${h.runId}`,
      version: 'base',
    });
    baseId = (await publishModelPackage(folderPackageFiles(path.join(work, 'base')), { store: h.store, registry: h.registry() })).version
      .id;

    const databaseUrl = new URL(process.env['ARGUS_DATABASE_URL'] ?? '');
    databaseUrl.pathname = `/${h.database.name}`;
    const env = {
      ...process.env,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      ARGUS_DATABASE_URL: databaseUrl.toString(),
      ARGUS_FINETUNE_WORKER: 'on',
      ARGUS_FINETUNE_WORKER_ID: `wizard-int-${h.runId}`,
      ARGUS_FINETUNE_WORK_DIR: path.join(work, 'trainer'),
      ARGUS_FINETUNE_LABELS_GROUP_ID: `wizard-int-labels-${h.runId}`,
      ARGUS_FINETUNE_TRAINERS_GROUP_ID: `wizard-int-trainers-${h.runId}`,
      ARGUS_FINETUNE_TRIGGERS_GROUP_ID: `wizard-int-triggers-${h.runId}`,
      ARGUS_FINETUNE_MIN_NEW_LABELS: '0',
      ARGUS_FINETUNE_SCHEDULE_HOURS: '0',
      ARGUS_FINETUNE_TRIGGER_INTERVAL_SECONDS: '3600',
      ARGUS_CONTINUAL_AUDIT: 'off',
      ARGUS_FINETUNE_PROGRESS_INTERVAL_MS: '500',
      ARGUS_TF_BACKEND: 'wasm',
      // A tiny model adapted for seconds on two frames of evaluation: the gate's plumbing is under test, not its limit.
      ARGUS_ADAPT_GATE_MIN_AP: '0',
    };
    continual = spawn(process.execPath, ['-r', '@swc-node/register', 'services/continual-fine-tune/src/main.ts'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [continual.stdout, continual.stderr])
      if (stream) createInterface({ input: stream }).on('line', (l) => output.push(l));
  }, 120_000);

  afterAll(async () => {
    if (continual && continual.exitCode === null) {
      const exited = new Promise((resolve) => continual?.once('exit', resolve));
      continual.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    }
    await h.stop();
    await rm(work, { recursive: true, force: true });
  }, 90_000);

  it('creates a line, camera and template; refuses bad input with 4xx that say what is wrong; operators are refused', async () => {
    const created = await h.request('ml-engineer', 'POST', '/api/v1/lines', {
      id: lineId,
      name: 'Blood cells',
      feedKind: 'medical',
      usesTemplate: false,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: lineId, feedKind: 'medical', usesTemplate: false });
    const again = await h.request('ml-engineer', 'POST', '/api/v1/lines', {
      id: lineId,
      name: 'Again',
      feedKind: 'medical',
      usesTemplate: false,
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'line.id-taken' } });
    expect(
      (await h.request('ml-engineer', 'POST', '/api/v1/lines', { id: 'Bad Slug', name: 'x', feedKind: 'medical', usesTemplate: false }))
        .status,
    ).toBe(400);
    expect(
      (await h.request('ml-engineer', 'POST', '/api/v1/lines', { id: `x-${h.runId}`, name: 'x', feedKind: 'xray', usesTemplate: false }))
        .status,
    ).toBe(400);
    expect(
      (await h.request('operator', 'POST', '/api/v1/lines', { id: `op-${h.runId}`, name: 'x', feedKind: 'other', usesTemplate: false }))
        .status,
    ).toBe(403);

    expect(
      (await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/cameras`, { id: 'scope-1', name: 'Microscope 1' })).status,
    ).toBe(201);
    expect(
      (await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/cameras`, { id: 'scope-1', name: 'Again' })).body,
    ).toMatchObject({
      error: { code: 'line.camera-id-taken' },
    });
    expect((await h.request('ml-engineer', 'POST', `/api/v1/lines/no-such-${h.runId}/cameras`, { id: 'c', name: 'c' })).status).toBe(404);

    const image = (await vision.renderSyntheticDataset(vision.syntheticGenerator('medical', 3, 96), 1)).samples[0]!.image;
    if (image.kind !== 'encoded') throw new Error('synthetic images are encoded');
    const template = await upload(`/api/v1/lines/${lineId}/template`, image.bytes, 'image/png', 'PUT');
    expect(template).toMatchObject({ status: 409 });
    expect(template.body).toMatchObject({ error: { code: 'line.template-not-expected' } });
    const withTemplate = `boards-${h.runId}`;
    await h.request('ml-engineer', 'POST', '/api/v1/lines', { id: withTemplate, name: 'Boards', feedKind: 'pcb', usesTemplate: true });
    const stored = await upload(`/api/v1/lines/${withTemplate}/template`, image.bytes, 'image/png', 'PUT');
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ lineId: withTemplate, width: 96, height: 96 });
    expect((await h.store.get(stored.body.objectKey)).equals(Buffer.from(image.bytes))).toBe(true);
    const notImage = await upload(`/api/v1/lines/${withTemplate}/template`, Buffer.from('not an image at all'), 'image/png', 'PUT');
    expect(notImage.status).toBe(422);
    expect(notImage.body).toMatchObject({ error: { code: 'onboarding.image-invalid' } });
    expect((await upload(`/api/v1/lines/${withTemplate}/template`, Buffer.from('{}'), 'application/json', 'PUT')).status).toBe(415);
  });

  it('uploads and picks frames, labels them with the review API, adapts, shows the evaluation, promotes; every step audited', async () => {
    const scenes = await vision.renderSyntheticDataset(vision.syntheticGenerator('medical', 11, 96), 6, { startIndex: 100 });
    const frameIds: string[] = [];
    for (const sample of scenes.samples) {
      if (sample.image.kind !== 'encoded') throw new Error('synthetic images are encoded');
      const uploaded = await upload(`/api/v1/lines/${lineId}/cameras/scope-1/onboarding-frames`, sample.image.bytes, 'image/png');
      expect(uploaded.status).toBe(201);
      frameIds.push(uploaded.body.frameId);
    }
    expect(
      (
        await upload(
          `/api/v1/lines/${lineId}/cameras/no-cam/onboarding-frames`,
          scenes.samples[0]!.image.kind === 'encoded' ? scenes.samples[0]!.image.bytes : new Uint8Array(),
          'image/png',
        )
      ).status,
    ).toBe(404);
    const picked = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/onboarding`, { frameIds, baseModelVersionId: baseId });
    expect(picked.status).toBe(200);
    expect(picked.body.items).toHaveLength(6);
    expect(picked.body.available).toEqual([]);
    const stranger = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/onboarding`, {
      frameIds: ['00000000-0000-4000-8000-00000000dead'],
      baseModelVersionId: baseId,
    });
    expect(stranger.body).toMatchObject({ error: { code: 'onboarding.frame-not-on-line' } });
    expect(stranger.status).toBe(422);

    // Labelled before every frame is: adapting now is refused, saying which shot.
    const early = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/adaptations`, {
      baseModelVersionId: baseId,
      shotFrameIds: frameIds.slice(0, 4),
    });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ error: { code: 'onboarding.shot-not-labelled' } });

    const items: { alertId: string; frameId: string }[] = picked.body.items;
    for (const [i, sample] of scenes.samples.entries()) {
      const item = items.find((it) => it.frameId === frameIds[i])!;
      const boxes = sample.boxes.map((b) => ({ className: b.className, box: b.box }));
      const review = await h.request(
        'operator',
        'POST',
        `/api/v1/alerts/${item.alertId}/reviews`,
        boxes.length > 0 ? { decision: 'corrected', boxes } : { decision: 'rejected' },
      );
      expect(review.status).toBe(201);
    }
    const set = await h.request('operator', 'GET', `/api/v1/lines/${lineId}/onboarding`);
    expect(set.body.items.every((it: { labelled: boolean }) => it.labelled)).toBe(true);
    // continual-fine-tune records the reviews as labels (over Kafka) before it can build the data set version.
    await waitFor(
      'the six labels recorded by continual-fine-tune',
      async () =>
        (await h.database.dataSource.query<{ n: number }>(`SELECT count(*)::int AS n FROM labelled_frame WHERE line_id = $1`, [lineId]))[0]
          ?.n === 6,
      { timeoutMs: 90_000, intervalMs: 500 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- continual-fine-tune ---\n${output.slice(-40).join('\n')}`);
    });

    const allShots = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/adaptations`, {
      baseModelVersionId: baseId,
      shotFrameIds: frameIds,
    });
    expect(allShots.body).toMatchObject({ error: { code: 'onboarding.no-evaluation-frames' } });
    const requested = await h.collect(Topics.trainingJobRequested, (m) => m.lineId === lineId);
    const completed = await h.collect(Topics.trainingJobCompleted, (m) => m.lineId === lineId);
    const progress = await h.collect(Topics.trainingJobProgress, (m) => m.lineId === lineId);
    const adapt = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/adaptations`, {
      start: 'finetune',
      baseModelVersionId: baseId,
      shotFrameIds: frameIds.slice(0, 4),
      budgetSeconds: 10,
    });
    expect(adapt.status).toBe(202);
    expect(adapt.body).toMatchObject({ start: 'finetune', evaluationFrameIds: expect.arrayContaining(frameIds.slice(4)) });
    await waitFor('the adaptation job completed', () => completed.length > 0, { timeoutMs: 150_000, intervalMs: 1000 }).catch(
      (error: unknown) => {
        throw new Error(`${String(error)}\n--- continual-fine-tune ---\n${output.slice(-60).join('\n')}`);
      },
    );
    const done = completed[0]!;
    expect(done.gatesPassed).toBe(true);
    expect(progress.some((p) => p.phase === 'training')).toBe(true);
    expect(requested[0]).toMatchObject({
      jobId: done.jobId,
      baseModelVersionId: baseId,
      adaptation: { start: 'finetune', shotFrameIds: frameIds.slice(0, 4) },
    });

    // The job delivered again (a redelivery after a crash): its outcome is announced again, no second candidate.
    await h.bus.publish(Topics.trainingJobRequested, { ...requested[0]!, eventId: randomUUID() });
    await waitFor('the job’s outcome announced again', () => completed.length > 1, { timeoutMs: 60_000, intervalMs: 500 });
    expect(completed[1]).toMatchObject({ jobId: done.jobId, candidateModelVersionId: done.candidateModelVersionId });
    const versions = await h.database.dataSource.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM model_version WHERE parent_version_id = $1`,
      [baseId],
    );
    expect(versions[0]?.n).toBe(1);

    const jobs = await h.request('ml-engineer', 'GET', `/api/v1/lines/${lineId}/training-jobs`);
    expect(jobs.body.items[0]).toMatchObject({ id: done.jobId, status: 'completed' });
    const model = await h.request('ml-engineer', 'GET', `/api/v1/models/${done.candidateModelVersionId}`);
    expect(model.status).toBe(200);
    expect(model.body).toMatchObject({ parentVersionId: baseId });
    expect(model.body.evaluation).not.toBeNull();
    const candidate = await h.request('ml-engineer', 'GET', `/api/v1/candidates/${done.candidateModelVersionId}`);
    expect(candidate.body).toMatchObject({
      gatesPassed: true,
      gateReport: { checks: [{ kind: 'first-model-ap' }, { kind: 'onnx-check', passed: true }] },
    });

    const promoted = await h.request('ml-engineer', 'POST', `/api/v1/lines/${lineId}/promotions`, {
      modelVersionId: done.candidateModelVersionId,
      reason: 'first model of the new line (wizard)',
    });
    expect(promoted.status).toBe(201);
    expect((await h.request('operator', 'GET', '/api/v1/lines')).body.items.find((l: { id: string }) => l.id === lineId)).toMatchObject({
      production: { modelVersionId: done.candidateModelVersionId },
    });

    const actions = (await audit().list({ subjectId: lineId }, { limit: 100 })).items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'line.created',
        'line.camera-added',
        'line.onboarding-frames-uploaded',
        'line.onboarding-frames-picked',
        'line.adaptation-requested',
        'model.promoted',
      ]),
    );
  });

  /** An image as the request body, as the wizard's page sends a file. */
  async function upload(route: string, bytes: Uint8Array, contentType: string, method = 'POST') {
    const response = await fetch(`${h.url}${route}`, {
      method,
      headers: { cookie: h.cookieOf('ml-engineer'), 'content-type': contentType },
      body: Buffer.from(bytes),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  }
});
