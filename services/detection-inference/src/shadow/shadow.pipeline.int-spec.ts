/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
// Shadow scoring against the real Kafka, S3Proxy and Postgres of infra/local: a throw-away
// database, topics and groups named for this run, two real (tiny, untrained, differently seeded)
// model packages run by ONNX Runtime in worker threads — v1 in production, v2 its shadow.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type AlertRaisedV1, type DetectionsProducedV1, type FrameIngestedV1, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';
import {
  AlertRepository,
  CameraAlertHistoryRepository,
  createThrowawayDatabase,
  databaseConfigFromEnv,
  DetectionRepository,
  FrameRepository,
  LineRepository,
  ModelRegistryRepository,
  runMigrations,
  ShadowModelRepository,
  ShadowStatsQuery,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { waitFor } from '@argus/platform/testing';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { encodeImage, folderPackageFiles, SeededRandom } from '@argus/vision';
import { InferencePipeline, type PipelineTopics } from '../inference.pipeline';
import { ingestTestFrame } from '../testing/frame-ingest.fixture';
import { writeRandomModelPackage } from '../testing/random-model.fixture';

jest.setTimeout(180_000);

const run = randomBytes(4).toString('hex');
const lineId = `shadow-${run}`;
const modelName = `tiny-shadow-${run}`;
const topics: PipelineTopics = {
  frameIngested: { ...Topics.frameIngested, name: `inspection.frame-s${run}.ingested.v1` },
  detectionsProduced: { ...Topics.detectionsProduced, name: `inspection.detections-s${run}.produced.v1` },
  alertRaised: { ...Topics.alertRaised, name: `inspection.alert-s${run}.raised.v1` },
  modelPromoted: { ...Topics.modelPromoted, name: `model.version-s${run}.promoted.v1` },
  modelRegistered: { ...Topics.modelRegistered, name: `model.version-s${run}.registered.v1` },
  modelShadowed: { ...Topics.modelShadowed, name: `model.version-s${run}.shadowed.v1` },
};
const logged: { level: string; msg: string | undefined; obj: Record<string, unknown> }[] = [];
const quiet: MessagingLogger = {
  info: (obj, msg) => void logged.push({ level: 'info', msg, obj }),
  warn: (obj, msg) => void logged.push({ level: 'warn', msg, obj }),
  error: (obj, msg) => void logged.push({ level: 'error', msg, obj }),
};

function noisePng(seed: number, width = 64, height = 48): Promise<Buffer> {
  const random = new SeededRandom(seed);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random.next() * 256);
  return encodeImage({ data, width, height, channels: 1 }, 'png');
}

describe('shadow scoring on Kafka, S3Proxy and Postgres', () => {
  let db: ThrowawayDatabase;
  let store: MinioObjectStore;
  let bus: KafkaMessageBusAdapter;
  let pipeline: InferencePipeline;
  let tmp: string;
  let templateKey: string;
  let v1: string;
  let v2: string;
  const produced: DetectionsProducedV1[] = [];
  const alerts: AlertRaisedV1[] = [];

  const shadows = () => new ShadowModelRepository(db.dataSource);
  const detectionsOf = (frameId: string) => new DetectionRepository(db.dataSource).listForFrame(frameId);

  /** What camera-ingest does: store the bytes, record the frame, publish frame-ingested. */
  const ingest = (cameraId: string, bytes: Buffer) => ingestTestFrame({ db, store, bus, topics }, { lineId, cameraId, bytes, templateKey });

  /** One frame through the pipeline: its detections published and the frame marked processed. */
  async function scored(cameraId: string, seed: number): Promise<FrameIngestedV1> {
    const frame = await ingest(cameraId, await noisePng(seed));
    await waitFor(`detections of frame ${frame.frameId}`, () => produced.some((e) => e.frameId === frame.frameId), 60_000);
    await waitFor(
      `frame ${frame.frameId} processed`,
      async () => (await new FrameRepository(db.dataSource).findById(frame.frameId))?.status === 'processed',
      30_000,
    );
    return frame;
  }

  /** What continual-fine-tune does for a candidate that passed its gates. */
  async function setShadow(modelVersionId: string): Promise<void> {
    const change = await shadows().setShadow({ lineId, modelVersionId, setBy: 'integration-test', reason: 'gates passed' });
    await bus.publish(topics.modelShadowed, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      lineId,
      modelVersionId,
      previousShadowVersionId: change.previousModelVersionId,
      setBy: 'integration-test',
      reason: 'gates passed',
    });
  }

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'detection-inference-shadow-int'));
    await runMigrations(db.dataSource);
    store = new MinioObjectStore(s3ConfigFromEnv(process.env));
    await store.ensureBucket();
    bus = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `di-shadow-int-${run}` }),
      logger: quiet,
      consumer: {
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        heartbeatIntervalMs: 1_000,
        maxWaitTimeMs: 100,
        handlerHeartbeatMs: 500,
      },
    });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'di-shadow-int-'));
    await writeRandomModelPackage(path.join(tmp, 'models', modelName), { name: modelName, version: 'v1', seed: 1 });
    await writeRandomModelPackage(path.join(tmp, 'next', modelName), { name: modelName, version: 'v2', seed: 2 });

    const lines = new LineRepository(db.dataSource);
    await lines.upsertLine({ id: lineId, name: 'Shadow line', settings: { modelName, dedupWindowSeconds: 0 } });
    for (const camera of ['cam-1', 'cam-2']) await lines.addCamera({ lineId, id: camera, name: camera });
    // Every frame production scores alerts: any alert from the shadow would show as a second one.
    await lines.setAlertRules(lineId, [{ className: '*', minScore: 0, minBoxAreaPx2: 0, severity: 'high' }]);
    templateKey = `templates/${lineId}.png`;
    const template = await noisePng(999);
    await store.put(templateKey, template, { contentType: 'image/png', size: template.length });
    await lines.setTemplate(lineId, { objectKey: templateKey, width: 64, height: 48 });

    const registry = new ModelRegistryRepository(db.dataSource);
    pipeline = new InferencePipeline({
      bus,
      store,
      repositories: {
        registry,
        lines,
        frames: new FrameRepository(db.dataSource),
        alerts: new AlertRepository(db.dataSource),
        detections: new DetectionRepository(db.dataSource),
        alertHistory: new CameraAlertHistoryRepository(db.dataSource),
        shadows: new ShadowModelRepository(db.dataSource),
      },
      logger: quiet,
      topics,
      settings: {
        batchMax: 4,
        batchWaitMs: 10,
        concurrency: 2,
        workers: 1,
        threads: 1,
        pointerTtlMs: 0,
        groupId: `di-shadow-int-${run}`,
        retry: { attempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 },
        modelCacheDir: path.join(tmp, 'cache'),
        modelsDir: path.join(tmp, 'models'),
        instanceId: `shadow-int-${run}`,
        // Every frame, so the test knows which ones the shadow scores (frames go one at a time: nothing queued).
        shadowShare: 1,
        shadowPointerTtlMs: 60_000,
      },
    });
    const report = await pipeline.prepare();
    v1 = report?.registered[0]?.version.id as string;
    v2 = (await pipeline.registrar.registerPackage(folderPackageFiles(path.join(tmp, 'next', modelName)))).version.id;

    await bus.subscribe(topics.detectionsProduced, {
      groupId: `obs-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (e) => void produced.push(e),
    });
    await bus.subscribe(topics.alertRaised, {
      groupId: `obs-alerts-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (e) => void alerts.push(e),
    });
    await bus.start();
  });

  afterAll(async () => {
    await pipeline?.stop();
    await bus?.stop();
    await db?.drop();
    for (const prefix of [`${lineId}/`, `models/${modelName}/`, templateKey]) {
      if (!store || !prefix) continue;
      const keys: string[] = [];
      for await (const object of store.list(prefix)) keys.push(object.key);
      for (const key of keys) await store.delete(key);
    }
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('a shadow set: frames scored by both, the shadow’s results stored apart, no alert or event from them, production unchanged', async () => {
    // Before the shadow: production's result for an image, to compare with the same image later.
    const before = await scored('cam-1', 7);
    const boxesOf = async (frameId: string) =>
      (await detectionsOf(frameId))[0]?.detections.map(({ className, score, box }) => ({ className, score, box }));
    const productionBefore = await boxesOf(before.frameId);
    expect(await shadows().detectionsFor(before.frameId, v2)).toBeNull();

    await setShadow(v2);
    await waitFor(
      'the shadow event handled by this instance',
      () => logged.some((l) => l.msg?.startsWith('shadow model set') && l.obj['shadow'] === v2),
      30_000,
    );

    const during: FrameIngestedV1[] = [];
    for (const seed of [7, 8, 9]) during.push(await scored('cam-2', seed));
    for (const frame of during) {
      await waitFor(`shadow result of ${frame.frameId}`, async () => (await shadows().detectionsFor(frame.frameId, v2)) !== null, 30_000);
    }

    for (const frame of during) {
      // Production: one result, v1's; its event and its one alert are v1's.
      const stored = await detectionsOf(frame.frameId);
      expect(stored.map((s) => s.modelVersionId)).toEqual([v1]);
      expect(produced.filter((e) => e.frameId === frame.frameId).map((e) => e.modelVersionId)).toEqual([v1]);
      expect((await new AlertRepository(db.dataSource).findForFrame(frame.frameId)).map((a) => a.modelVersionId)).toEqual([v1]);
    }
    await waitFor('the alerts on Kafka', () => during.every((f) => alerts.some((a) => a.frameId === f.frameId)), 30_000);
    expect(alerts.every((a) => a.modelVersionId === v1)).toBe(true);
    expect(produced.every((e) => e.modelVersionId === v1)).toBe(true);

    // The same image scores the same in production with a shadow running as without.
    const sameImage = during[0] as FrameIngestedV1;
    expect(await boxesOf(sameImage.frameId)).toEqual(productionBefore);
    expect(productionBefore?.length).toBeGreaterThan(0);
    // The shadow's own result is v2's: a differently seeded model finds other boxes than v1.
    const shadowResult = await shadows().detectionsFor(sameImage.frameId, v2);
    expect(shadowResult).not.toEqual(productionBefore);

    // The console's query sees the three frames scored by both.
    const comparison = await new ShadowStatsQuery(db.dataSource).comparison(lineId, v2);
    expect(comparison.frames.map((f) => f.frameId).sort()).toEqual(during.map((f) => f.frameId).sort());
    expect(comparison.frames.every((f) => f.productionModelVersionId === v1)).toBe(true);
  });

  it('a promotion of the shadow version ends the shadow: later frames are production’s only', async () => {
    await pipeline.promotions.promote(lineId, v2, 'integration-test', 'the shadow agreed');
    await waitFor(
      'the promotion handled by this instance',
      () => logged.some((l) => l.msg?.startsWith('production model switched') && l.obj['serving'] === v2),
      30_000,
    );
    expect(await shadows().current(lineId)).toBeNull();
    const after = await scored('cam-1', 10);
    await pipeline.shadow.idle();
    expect((await detectionsOf(after.frameId)).map((s) => s.modelVersionId)).toEqual([v2]);
    expect(await shadows().detectionsFor(after.frameId, v2)).toBeNull();
    // The row is gone too, so a rollback does not bring the old candidate back as a shadow.
    expect(await shadows().endShadow(lineId)).toBeNull();
  });
});
