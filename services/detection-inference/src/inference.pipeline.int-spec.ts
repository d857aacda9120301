/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
// detection-inference against the real Kafka, S3Proxy and Postgres of infra/local: a throw-away
// database, topics and groups named for this run, a real (tiny, untrained) model package run by
// ONNX Runtime in the worker thread.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DeadLetterHeaders,
  deadLetterTopicFor,
  type AlertRaisedV1,
  type DetectionsProducedV1,
  type FrameIngestedV1,
  Topics,
} from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessageMetadata, type MessagingLogger } from '@argus/messaging';
import {
  AlertRepository,
  CameraAlertHistoryRepository,
  createThrowawayDatabase,
  type Database,
  databaseConfigFromEnv,
  DetectionRepository,
  FrameRepository,
  LineRepository,
  ModelRegistryRepository,
  runMigrations,
  ShadowModelRepository,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { encodeImage, folderPackageFiles, type RawImage, SeededRandom } from '@argus/vision';
import { type InferenceRepositories, InferencePipeline, type PipelineTopics } from './inference.pipeline';
import { ingestTestFrame } from './testing/frame-ingest.fixture';
import { writeRandomModelPackage } from './testing/random-model.fixture';
import { waitFor } from '@argus/platform/testing';

jest.setTimeout(120_000);

/** The repositories the service's module injects, built here on the test's database. */
function repositoriesOn(db: Database): InferenceRepositories {
  return {
    registry: new ModelRegistryRepository(db),
    lines: new LineRepository(db),
    frames: new FrameRepository(db),
    alerts: new AlertRepository(db),
    detections: new DetectionRepository(db),
    alertHistory: new CameraAlertHistoryRepository(db),
    shadows: new ShadowModelRepository(db),
  };
}

const run = randomBytes(4).toString('hex');
const lineId = `line-${run}`;
/** A line whose alerts are deduplicated (the other line alerts on every frame). */
const dedupLineId = `line-${run}-dedup`;
/** Cameras of the dedup line spread over the partitions, so that a second member gets some of them. */
const MOVING_CAMERAS = Array.from({ length: 12 }, (_, i) => `cam-m${i + 1}`);
const modelName = `tiny-${run}`;
const topics: PipelineTopics = {
  frameIngested: { ...Topics.frameIngested, name: `inspection.frame-t${run}.ingested.v1` },
  detectionsProduced: { ...Topics.detectionsProduced, name: `inspection.detections-t${run}.produced.v1` },
  alertRaised: { ...Topics.alertRaised, name: `inspection.alert-t${run}.raised.v1` },
  modelPromoted: { ...Topics.modelPromoted, name: `model.version-t${run}.promoted.v1` },
  modelRegistered: { ...Topics.modelRegistered, name: `model.version-t${run}.registered.v1` },
  modelShadowed: { ...Topics.modelShadowed, name: `model.version-t${run}.shadowed.v1` },
};
const deadLetters: typeof Topics.frameIngested = { ...topics.frameIngested, name: deadLetterTopicFor(topics.frameIngested.name) };
/**
 * Every inference member of this file: one consumer group, small batches; like the service by
 * default, several cameras of a partition at once, frames read ahead, and two model workers of
 * one ORT thread.
 */
const memberSettings = {
  batchMax: 4,
  batchWaitMs: 10,
  concurrency: 6,
  camerasPerPartition: 6,
  readAheadPerCamera: 6,
  workers: 2,
  threads: 1,
  pointerTtlMs: 0,
  groupId: `di-int-${run}`,
  retry: { attempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 },
};
const tuning = {
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  maxWaitTimeMs: 100,
  handlerHeartbeatMs: 500,
};
/** Keeps the log in memory (dead-lettering logs errors on purpose here); the tests read it. */
const logged: { level: string; msg: string | undefined; obj: Record<string, unknown> }[] = [];
const quiet: MessagingLogger = {
  info: (obj, msg) => void logged.push({ level: 'info', msg, obj }),
  warn: (obj, msg) => void logged.push({ level: 'warn', msg, obj }),
  error: (obj, msg) => void logged.push({ level: 'error', msg, obj }),
};

function noisePixels(seed: number, width = 64, height = 48): RawImage {
  const random = new SeededRandom(seed);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random.next() * 256);
  return { data, width, height, channels: 1 };
}

function noisePng(seed: number, width = 64, height = 48): Promise<Buffer> {
  return encodeImage(noisePixels(seed, width, height), 'png');
}

describe('detection-inference on Kafka, S3Proxy and Postgres', () => {
  let db: ThrowawayDatabase;
  let store: MinioObjectStore;
  let bus: KafkaMessageBusAdapter;
  let pipeline: InferencePipeline;
  let tmp: string;
  let v1: string;
  let templateKey: string;
  const produced: DetectionsProducedV1[] = [];
  const producedIds: string[] = [];
  const alerts: AlertRaisedV1[] = [];
  const dlq: { event: FrameIngestedV1; metadata: MessageMetadata }[] = [];

  const frames = () => new FrameRepository(db.dataSource);
  const detectionsOf = (frameId: string) => new DetectionRepository(db.dataSource).listForFrame(frameId);

  /** What camera-ingest does: store the bytes, record the frame, publish frame-ingested. */
  function ingest(
    cameraId: string,
    bytes: Buffer,
    options: { store?: boolean; capturedAt?: Date; lineId?: string } = {},
  ): Promise<FrameIngestedV1> {
    const { lineId: frameLineId = lineId, ...rest } = options;
    return ingestTestFrame({ db, store, bus, topics }, { lineId: frameLineId, cameraId, bytes, templateKey, ...rest });
  }

  /** The handler's last steps: detections published, then the frame marked processed. */
  const processed = async (frameId: string) => {
    await waitFor(
      `detections of frame ${frameId} on Kafka`,
      () => produced.some((e) => e.frameId === frameId),
      60_000,
      () => `${produced.length} detection events so far`,
    );
    await waitFor(`frame ${frameId} marked processed`, async () => (await frames().findById(frameId))?.status === 'processed', 30_000);
  };

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'detection-inference-int'));
    await runMigrations(db.dataSource);
    store = new MinioObjectStore(s3ConfigFromEnv(process.env));
    await store.ensureBucket();
    bus = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `di-int-${run}` }),
      logger: quiet,
      consumer: tuning,
    });

    tmp = await mkdtemp(path.join(os.tmpdir(), 'di-int-'));
    await writeRandomModelPackage(path.join(tmp, 'models', modelName), { name: modelName, version: 'v1', seed: 1 });
    await writeRandomModelPackage(path.join(tmp, 'next', modelName), { name: modelName, version: 'v2', seed: 2 });

    const lines = new LineRepository(db.dataSource);
    await lines.upsertLine({ id: lineId, name: 'Integration line', settings: { modelName, dedupWindowSeconds: 0 } });
    for (const camera of ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5', 'cam-6', 'cam-7', 'cam-8'])
      await lines.addCamera({ lineId, id: camera, name: camera });
    await lines.setAlertRules(lineId, [{ className: '*', minScore: 0, minBoxAreaPx2: 0, severity: 'high' }]);
    templateKey = `templates/${lineId}.png`;
    const template = await noisePng(999);
    await store.put(templateKey, template, { contentType: 'image/png', size: template.length });
    await lines.setTemplate(lineId, { objectKey: templateKey, width: 64, height: 48 });
    await lines.upsertLine({
      id: dedupLineId,
      name: 'Integration line with a dedup window',
      settings: { modelName, dedupWindowSeconds: 60 },
    });
    await lines.addCamera({ lineId: dedupLineId, id: 'cam-d', name: 'cam-d' });
    for (const camera of MOVING_CAMERAS) await lines.addCamera({ lineId: dedupLineId, id: camera, name: camera });
    await lines.setAlertRules(dedupLineId, [{ className: '*', minScore: 0, minBoxAreaPx2: 0, severity: 'high' }]);
    await lines.setTemplate(dedupLineId, { objectKey: templateKey, width: 64, height: 48 });

    pipeline = new InferencePipeline({
      bus,
      store,
      repositories: repositoriesOn(db.dataSource),
      logger: quiet,
      topics,
      settings: {
        ...memberSettings,
        modelCacheDir: path.join(tmp, 'cache'),
        modelsDir: path.join(tmp, 'models'),
        instanceId: `int-${run}`,
      },
    });
    const report = await pipeline.prepare();
    v1 = report?.registered[0]?.version.id as string;
    expect(report?.registered.map((r) => [r.version.name, r.version.version, r.created])).toEqual([[modelName, 'v1', true]]);
    expect(report?.assigned).toHaveLength(2);
    expect(report?.assigned).toEqual(
      expect.arrayContaining([
        { lineId, modelVersionId: v1 },
        { lineId: dedupLineId, modelVersionId: v1 },
      ]),
    );

    await bus.subscribe(topics.detectionsProduced, {
      groupId: `obs-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (e) => void (produced.push(e), producedIds.push(e.eventId)),
    });
    await bus.subscribe(topics.alertRaised, {
      groupId: `obs-alerts-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (e) => void alerts.push(e),
    });
    await bus.subscribe(deadLetters, {
      groupId: `obs-dlq-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (event, metadata) => void dlq.push({ event, metadata }),
    });
    await bus.start();
  });

  afterAll(async () => {
    await pipeline?.stop();
    await bus?.stop();
    await db?.drop();
    // The bucket is shared: remove what this run put there (frames, template, model packages).
    for (const prefix of [`${lineId}/`, `${dedupLineId}/`, `models/${modelName}/`, templateKey]) {
      if (!store || !prefix) continue;
      const keys: string[] = [];
      for await (const object of store.list(prefix)) keys.push(object.key);
      for (const key of keys) await store.delete(key);
    }
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('a published frame ends with detections in Postgres, the frame processed, and its events on Kafka', async () => {
    const frame = await ingest('cam-1', await noisePng(1));
    await processed(frame.frameId);
    const stored = await detectionsOf(frame.frameId);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.modelVersionId).toBe(v1);
    expect(stored[0]?.detections.length).toBeGreaterThan(0);
    const event = produced.find((e) => e.frameId === frame.frameId) as DetectionsProducedV1;
    expect(event).toMatchObject({ lineId, cameraId: 'cam-1', modelVersionId: v1, imageWidth: 64, imageHeight: 48 });
    expect(event.detections).toEqual(stored[0]?.detections.map(({ className, score, box }) => ({ className, score, box })));
    expect((await frames().findById(frame.frameId))?.status).toBe('processed');
    // The rule "*" with minimum 0 makes every scored frame alert: row and event.
    const [alert] = await new AlertRepository(db.dataSource).findForFrame(frame.frameId);
    expect(alert).toMatchObject({ modelVersionId: v1, severity: 'high' });
    await waitFor('the alert event', () => alerts.some((a) => a.frameId === frame.frameId), 30_000);
    expect(alerts.find((a) => a.frameId === frame.frameId)?.alertId).toBe(alert?.id);
    // At start-up the member said how its model threads sit on the cores.
    expect(logged.find((l) => l.obj['modelWorkers'] !== undefined)?.obj).toMatchObject({ modelWorkers: 2, ortThreadsPerWorker: 1 });
  });

  it("a corrupt or missing object: frame failed with the reason, message in the DLQ, and the camera's next frame still processed", async () => {
    const valid = await noisePng(2);
    const corrupt = Buffer.concat([valid.subarray(0, 33), Buffer.alloc(300, 0x5a)]); // PNG signature and header, broken body
    const bad = await ingest('cam-2', corrupt);
    const missing = await ingest('cam-2', await noisePng(3), { store: false });
    const next = await ingest('cam-2', valid);
    await processed(next.frameId);
    await waitFor(
      'both dead letters',
      () => [bad, missing].every((f) => dlq.some((d) => d.event.frameId === f.frameId)),
      30_000,
      () => `${dlq.length} dead letters`,
    );

    const codeOf = (frameId: string) => dlq.find((d) => d.event.frameId === frameId)?.metadata.headers[DeadLetterHeaders.errorCode];
    expect(codeOf(bad.frameId)).toBe('frame-undecodable');
    expect(codeOf(missing.frameId)).toBe('frame-object-missing');
    const badRow = await frames().findById(bad.frameId);
    expect(badRow?.status).toBe('failed');
    expect(badRow?.failureReason).toMatch(/^frame-undecodable: .*decode/);
    const missingRow = await frames().findById(missing.frameId);
    expect(missingRow?.status).toBe('failed');
    expect(missingRow?.failureReason).toMatch(/^frame-object-missing: /);
    expect(await detectionsOf(bad.frameId)).toEqual([]);
    expect((await frames().findById(next.frameId))?.status).toBe('processed');
  });

  it('a promotion between frames: the later frames are scored by the new version, none is lost', async () => {
    const before = await ingest('cam-3', await noisePng(10));
    await processed(before.frameId);
    const { version: v2 } = await pipeline.registrar.registerPackage(folderPackageFiles(path.join(tmp, 'next', modelName)));
    const promotion = await pipeline.promotions.promote(lineId, v2.id, 'integration-test', 'v2 is better');
    expect(promotion.changed).toBe(true);
    const after = await Promise.all([11, 12, 13, 14, 15].map(async (seed, i) => ingest(i % 2 ? 'cam-1' : 'cam-3', await noisePng(seed))));
    for (const frame of after) await processed(frame.frameId);

    expect((await detectionsOf(before.frameId)).map((i) => i.modelVersionId)).toEqual([v1]);
    for (const frame of after) {
      expect((await detectionsOf(frame.frameId)).map((i) => i.modelVersionId)).toEqual([v2.id]);
      expect(produced.find((e) => e.frameId === frame.frameId)?.modelVersionId).toBe(v2.id);
    }
    const history = await new ModelRegistryRepository(db.dataSource).promotionHistory(lineId);
    expect(history.map((p) => [p.fromVersionId, p.toVersionId, p.promotedBy])).toEqual([
      [v1, v2.id, 'integration-test'],
      [null, v1, 'detection-inference-bootstrap'],
    ]);
    // The promotion event reached this instance's own group, which (pre)loaded v2 and switched the line.
    await waitFor(
      'the promotion event handled by this instance',
      () => logged.some((l) => l.msg?.startsWith('production model switched') && l.obj['lineId'] === lineId && l.obj['serving'] === v2.id),
      30_000,
    );
    expect(pipeline.runtime.loadedModelIds()).toEqual([v2.id]); // v1 serves no line any more: unloaded
    const workersThat = (msg: string, id: string) =>
      logged
        .filter((l) => l.msg === msg && l.obj['modelVersionId'] === id)
        .map((l) => l.obj['worker'])
        .sort();
    expect(workersThat('model loaded', v2.id)).toEqual([0, 1]); // into both model workers
    expect(workersThat('model unloaded', v1)).toEqual([0, 1]);
  });

  it('under load, frames of different cameras (partitions) are scored together in micro-batches, on both model workers at once', async () => {
    const score = pipeline.runtime.detect.bind(pipeline.runtime);
    let inFlight = 0;
    let mostAtOnce = 0;
    const detect = jest.spyOn(pipeline.runtime, 'detect').mockImplementation(async (model, inputs) => {
      const first = detect.mock.calls.length === 1;
      mostAtOnce = Math.max(mostAtOnce, ++inFlight);
      try {
        // The first batch takes a while: the frames behind it are scored by the other worker meanwhile.
        if (first) await new Promise((resolve) => setTimeout(resolve, 500));
        return await score(model, inputs);
      } finally {
        inFlight--;
      }
    });
    try {
      const cameras = ['cam-1', 'cam-2', 'cam-3', 'cam-4', 'cam-5', 'cam-6', 'cam-7', 'cam-8'];
      const burst = await Promise.all(
        cameras.flatMap((camera, c) => [0, 1, 2].map(async (k) => ingest(camera, await noisePng(100 + c * 10 + k)))),
      );
      for (const frame of burst) await processed(frame.frameId);
      const sizes = detect.mock.calls.map(([, inputs]) => inputs.length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(burst.length);
      expect(Math.max(...sizes)).toBeGreaterThan(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(4); // ARGUS_INFER_BATCH_MAX of this pipeline
      expect(mostAtOnce).toBe(2); // one batch per worker, never more
    } finally {
      detect.mockRestore();
    }
  });

  it("the same defects on a camera's next frames within the dedup window raise no second alert; the window is read from Postgres once, then held", async () => {
    // The same pixels in three different files (PNG compression levels): the same detections each time.
    const pixels = noisePixels(30);
    const t = Date.now() - 10_000;
    const sent: FrameIngestedV1[] = [];
    pipeline.alertHistory.takeStats();
    for (const [n, level] of [0, 1, 9].entries()) {
      const bytes = await encodeImage(pixels, 'png', { pngCompressionLevel: level });
      const frame = await ingest('cam-d', bytes, { lineId: dedupLineId, capturedAt: new Date(t + n * 1000) });
      await processed(frame.frameId); // one after another, as a camera's frames come
      sent.push(frame);
    }
    expect(new Set(sent.map((f) => f.sha256)).size).toBe(3);
    const alertRows = new AlertRepository(db.dataSource);
    const perFrame = await Promise.all(sent.map((f) => alertRows.findForFrame(f.frameId)));
    expect(perFrame.map((a) => a.length)).toEqual([1, 0, 0]);
    for (const frame of sent) expect((await detectionsOf(frame.frameId))[0]?.detections.length).toBeGreaterThan(0);
    // On Kafka the member was told its partitions, so the camera's history stayed in memory.
    expect(pipeline.alertHistory.takeStats()).toEqual({ hits: 2, loads: 1 });
  });

  it('cameras that moved to a second member and back: the alerts raised there are seen (histories are emptied on every assignment)', async () => {
    // The untrained model finds much the same boxes on any noise: X and Y are told apart by time,
    // Y captured after X's 60 s window has closed.
    const [defectX, defectY] = [noisePixels(40), noisePixels(41)];
    const t = Date.now() - 100_000;
    const sendAll = async (pixels: RawImage, pngCompressionLevel: number, second: number): Promise<FrameIngestedV1[]> => {
      const sent = await Promise.all(
        MOVING_CAMERAS.map(async (camera) =>
          ingest(camera, await encodeImage(pixels, 'png', { pngCompressionLevel }), {
            lineId: dedupLineId,
            capturedAt: new Date(t + second * 1000),
          }),
        ),
      );
      for (const frame of sent) await processed(frame.frameId);
      return sent;
    };
    const assignedAgain = (p: InferencePipeline, after: number) =>
      waitFor(
        'a partition assignment',
        () => p.alertHistory.assignments > after,
        30_000,
        () => `${p.alertHistory.assignments} so far`,
      );

    // 1. This member alone: every camera's history is read, and holds defect X's alert.
    const withX = await sendAll(defectX, 0, 0);
    // 2. A second member joins the group: the cameras are split, and each owner raises defect Y's alert.
    const before = pipeline.alertHistory.assignments;
    const busB = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `di-int-b-${run}` }),
      logger: quiet,
      consumer: tuning,
    });
    const memberB = new InferencePipeline({
      bus: busB,
      store,
      repositories: repositoriesOn(db.dataSource),
      logger: quiet,
      topics,
      settings: { ...memberSettings, modelCacheDir: path.join(tmp, 'cache-b'), instanceId: `int-b-${run}` },
    });
    let withY: FrameIngestedV1[];
    try {
      await memberB.prepare();
      await busB.start();
      await assignedAgain(memberB, 0);
      await assignedAgain(pipeline, before);
      memberB.collector.takeStats();
      withY = await sendAll(defectY, 0, 61);
      expect(memberB.collector.takeStats().items).toBeGreaterThan(0); // some cameras were the second member's
    } finally {
      // 3. It leaves: this member takes every camera back.
      const beforeLeave = pipeline.alertHistory.assignments;
      await memberB.stop();
      await busB.stop();
      await assignedAgain(pipeline, beforeLeave);
    }
    // 4. Defect Y again: within the window of Y's alert, wherever that was raised.
    const withYAgain = await sendAll(defectY, 9, 62);
    const alertRows = new AlertRepository(db.dataSource);
    const alertCounts = await Promise.all(
      MOVING_CAMERAS.map(async (camera, i) => {
        const frames = [withX[i], withY[i], withYAgain[i]].map((f) => f?.frameId as string);
        return `${camera}: ${(await Promise.all(frames.map((id) => alertRows.findForFrame(id)))).map((a) => a.length).join(' ')}`;
      }),
    );
    expect(alertCounts).toEqual(MOVING_CAMERAS.map((camera) => `${camera}: 1 1 0`));
  });

  it('redelivery of the same frame: no duplicate detections or alerts, the same event ids again', async () => {
    const frame = await ingest('cam-1', await noisePng(20));
    await processed(frame.frameId);
    await bus.publish(topics.frameIngested, frame); // the same event again, as after a crash before the commit
    await waitFor('the frame handled twice', () => produced.filter((e) => e.frameId === frame.frameId).length === 2, 60_000);
    await waitFor('its alert published twice', () => alerts.filter((a) => a.frameId === frame.frameId).length === 2, 30_000);

    const stored = await detectionsOf(frame.frameId);
    expect(stored).toHaveLength(1);
    expect(await new AlertRepository(db.dataSource).findForFrame(frame.frameId)).toHaveLength(1);
    const events = produced.filter((e) => e.frameId === frame.frameId);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(1);
    expect(events[1]?.detections).toEqual(events[0]?.detections);
    expect(new Set(alerts.filter((a) => a.frameId === frame.frameId).map((a) => a.alertId)).size).toBe(1);
  });
});
