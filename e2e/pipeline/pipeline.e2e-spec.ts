/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
// The inspection pipeline end to end, each service its own process, on the real Kafka, S3Proxy and
// Postgres of infra/local: cameras upload over HTTP to camera-ingest, detection-inference scores
// the frames and raises alerts. Mid-stream, the inference process is killed with SIGKILL and two
// new ones take over, and a new model version is promoted with the registry CLI.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Topics } from '@argus/contracts';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { createFactorySurfaceGenerator, createPcbBoardGenerator, encodeImage, type RawImage, type SyntheticGenerator } from '@argus/vision';
import { ConsumerGroupAdmin } from '../support/consumer-group.admin';
import { DeadLetterRecorder } from '../support/dead-letter.recorder';
import { FrameUploadClient } from '../support/frame-upload.client';
import { FACTORY_CLASSES, PCB_CLASSES, writeUntrainedModelPackage } from '../support/model-package.fixture';
import { freePort } from '../support/network.probe';
import { runNodeScript } from '../support/node-script.runner';
import { type AlertRow, type InferenceRow, PipelineDatabase } from '../support/pipeline-database.fixture';
import { ServiceProcess } from '../support/service-process.harness';
import { pollUntil } from '../support/wait-for.poller';
import { DEFAULT_DEDUP_MIN_IOU, expectedAlerts, type OracleFrame, type OracleLine, type Severity } from './alert-expectation.oracle';

const BOOT_TIMEOUT_MS = 90_000;
/** The dead member's session (kafkajs default 30 s) must expire before the new members get its partitions. */
const TAKEOVER_TIMEOUT_MS = 120_000;
const DRAIN_TIMEOUT_MS = 150_000;
jest.setTimeout(300_000);

const run = randomBytes(3).toString('hex');
const TOKEN = `e2e-camera-token-${run}`;
const FACTORY_MODEL = `factory-e2e${run}`;
const PCB_MODEL = `pcb-e2e${run}`;
/** This run's own consumer group on frame-ingested: other runs on the cluster never take its frames. */
const INFERENCE_GROUP = `detection-inference-e2e-${run}`;

interface CameraFeed {
  readonly lineId: string;
  readonly cameraId: string;
  readonly generator: SyntheticGenerator;
  readonly format: 'png' | 'jpeg';
}
const CAMERAS: readonly CameraFeed[] = [
  { lineId: 'factory-1', cameraId: 'cam-1', generator: createFactorySurfaceGenerator({ seed: 11 }), format: 'png' },
  { lineId: 'factory-1', cameraId: 'cam-2', generator: createFactorySurfaceGenerator({ seed: 12 }), format: 'png' },
  { lineId: 'pcb-1', cameraId: 'aoi-1', generator: createPcbBoardGenerator({ seed: 13 }), format: 'jpeg' },
];
const FRAMES_PER_CAMERA = 100; // 300 frames
/** Phase 1 (indices below) runs while inference is killed; phase 2 after the takeover. */
const PHASE_TWO_FROM = 60;
/** Every camera waits here until factory-1's new model is promoted. */
const PROMOTION_AT = 80;
/** A corrupt frame is sent just before these indices, on every camera. */
const CORRUPT_BEFORE = [20, 70];
/** Capture times: each camera's frames 250 ms apart, so dedup windows (10 s, 5 s) span 40 and 20 frames. */
const FRAME_INTERVAL_MS = 250;
/** Kill inference once this many frames are processed. */
const KILL_AFTER_PROCESSED = 45;

interface SentFrame {
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly index: number;
  readonly capturedAt: Date;
  readonly corrupt: boolean;
  /** When camera-ingest answered 202. */
  readonly acceptedAt: number;
}

/**
 * Frame ids are content hashes per camera, and the topic and bucket outlive a run: a few pixels
 * carry the run id, so this run's frames are new frames (scores are unaffected in any way that matters).
 */
function markedWithRun(image: RawImage): RawImage {
  const data = Uint8Array.from(image.data);
  const mark = Buffer.from(run, 'hex');
  for (let i = 0; i < mark.length * image.channels; i++) data[i] = mark[Math.floor(i / image.channels)] as number;
  return { ...image, data };
}

/** PNG signature and a valid IHDR (256×256), then a body that is not a zlib stream. */
function corruptPng(valid: Buffer, salt: number): Buffer {
  return Buffer.concat([valid.subarray(0, 33), Buffer.from(run, 'hex'), Buffer.alloc(400 + salt, 0x40 + (salt % 64))]);
}

describe('the inspection pipeline on Kafka, S3Proxy and Postgres, one process per service', () => {
  let tmp: string;
  let db: PipelineDatabase;
  let dlq: DeadLetterRecorder;
  const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  const services: ServiceProcess[] = [];
  let ingest: ServiceProcess;

  async function startService(entry: string, env: Record<string, string>): Promise<ServiceProcess> {
    const service = ServiceProcess.start({ entry, port: await freePort(), env: { LOG_LEVEL: 'info', ARGUS_DATABASE_URL: db.url, ...env } });
    services.push(service);
    return service;
  }

  function startInference(name: string): Promise<ServiceProcess> {
    return startService('services/detection-inference/src/main.ts', {
      ARGUS_MODELS_DIR: path.join(tmp, 'models'),
      ARGUS_MODEL_CACHE_DIR: path.join(tmp, `cache-${name}`),
      ARGUS_INSTANCE_ID: `e2e-${run}-${name}`,
      ARGUS_INFER_THREADS: '1',
      ARGUS_INFER_GROUP_ID: INFERENCE_GROUP,
    });
  }

  /** On failure, the end of every service's log says what happened. */
  async function withLogTails<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      for (const service of services) {
        console.error(`--- ${service.entry} (pid ${service.pid}, ${service.running ? 'running' : 'exited'}) ---\n${service.describe()}`);
      }
      throw error;
    }
  }

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'argus-e2e-'));
    db = await PipelineDatabase.create('pipeline-e2e');
    const seeded = db.seedDemo();
    // One after the other: TF.js picks its backend once per process.
    await writeUntrainedModelPackage(path.join(tmp, 'models', FACTORY_MODEL), {
      name: FACTORY_MODEL,
      version: 'v1',
      seed: 1,
      classes: FACTORY_CLASSES,
    });
    await writeUntrainedModelPackage(path.join(tmp, 'models', PCB_MODEL), {
      name: PCB_MODEL,
      version: 'v1',
      seed: 3,
      classes: PCB_CLASSES,
    });
    await writeUntrainedModelPackage(path.join(tmp, 'next', FACTORY_MODEL), {
      name: FACTORY_MODEL,
      version: 'v2',
      seed: 2,
      classes: FACTORY_CLASSES,
    });
    await seeded;
    // The demo's rules suit trained detectors; an untrained one scores below them. Rules its
    // detections can meet — one class alerts at any score, the others as seeded — give a run where
    // some frames alert, some do not, and the dedup window suppresses repeats.
    await db.lines().setAlertRules('factory-1', [
      { className: 'dent', minScore: 0, minBoxAreaPx2: 36, severity: 'high' },
      { className: 'hole', minScore: 0.4, minBoxAreaPx2: 16, severity: 'critical' },
      { className: 'scratch', minScore: 0.5, minBoxAreaPx2: 36, severity: 'medium' },
      { className: 'stain', minScore: 0.6, minBoxAreaPx2: 64, severity: 'low' },
    ]);
    await db.lines().setAlertRules('pcb-1', [
      { className: 'open', minScore: 0, minBoxAreaPx2: 9, severity: 'high' },
      { className: 'short', minScore: 0.5, minBoxAreaPx2: 9, severity: 'high' },
      { className: '*', minScore: 0.5, minBoxAreaPx2: 4, severity: 'medium' },
    ]);
    dlq = await DeadLetterRecorder.start(`e2e-dlq-${run}`);
    // The topic is shared by every run on this cluster: the new group starts after what is on it now.
    const brokers = (process.env['ARGUS_KAFKA_BROKERS'] ?? '').split(',');
    await new ConsumerGroupAdmin(brokers, `e2e-admin-${run}`).skipToLatestWhenIdle(INFERENCE_GROUP, Topics.frameIngested, 90_000);

    ingest = await startService('services/camera-ingest/src/main.ts', { ARGUS_CAMERA_TOKEN: TOKEN });
    const inference = await startInference('a');
    await withLogTails(() => Promise.all([ingest, inference].map((s) => s.waitForStatus('/health/ready', 200, BOOT_TIMEOUT_MS))));
  }, 240_000);

  afterAll(async () => {
    await ServiceProcess.stopAll(services);
    await dlq?.stop();
    // The bucket is shared: remove this run's frames and model packages (the demo templates are shared and stay).
    const keys = db ? (await db.frames().catch(() => [])).map((f) => f.objectKey) : [];
    for (const prefix of [`models/${FACTORY_MODEL}/`, `models/${PCB_MODEL}/`])
      for await (const object of store.list(prefix)) keys.push(object.key);
    for (const key of keys) await store.delete(key).catch(() => undefined);
    await db?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }, 120_000);

  it('300 frames from 3 cameras on 2 lines: all scored, alerts exactly as the rules say, through a kill -9 of inference, corrupt frames and a promotion', async () => {
    await withLogTails(async () => {
      const factoryV1 = await db.modelVersionId(FACTORY_MODEL, 'v1');
      const pcbV1 = await db.modelVersionId(PCB_MODEL, 'v1');
      expect(factoryV1).toBeDefined();
      expect(pcbV1).toBeDefined();
      expect(await db.productionModelOf('factory-1')).toBe(factoryV1);
      expect(await db.productionModelOf('pcb-1')).toBe(pcbV1);

      // The frames, with their known defects (the generators'), encoded up front.
      const encoded = await Promise.all(
        CAMERAS.map(async (camera) => {
          const frames: Buffer[] = [];
          for (let i = 0; i < FRAMES_PER_CAMERA; i++)
            frames.push(await encodeImage(markedWithRun(camera.generator.generate(i).image), camera.format));
          return frames;
        }),
      );
      const validPng = encoded[0]?.[0] as Buffer;
      const client = new FrameUploadClient(ingest.url(''), TOKEN);
      const sent: SentFrame[] = [];
      const captureStart = Date.now() - 60_000;

      // --- the crash: kill -9 once inference is busy, two new processes take over ---------------
      let killState: { accepted: number; processed: number } | undefined;
      const crash = (async () => {
        const processedBefore = await pollUntil(
          `${KILL_AFTER_PROCESSED} frames processed before the crash`,
          async () => {
            const processed = (await db.statusCounts())['processed'] ?? 0;
            return processed >= KILL_AFTER_PROCESSED ? processed : undefined;
          },
          { timeoutMs: 120_000, intervalMs: 100 },
        );
        const victim = services.find((s) => s.entry.includes('detection-inference') && s.running) as ServiceProcess;
        const accepted = sent.filter((f) => !f.corrupt).length;
        await victim.kill(); // SIGKILL: no shutdown, in-flight frames are uncommitted
        killState = { accepted, processed: processedBefore };
        const takeover = [await startInference('b'), await startInference('c')];
        await Promise.all(takeover.map((s) => s.waitForStatus('/health/ready', 200, TAKEOVER_TIMEOUT_MS)));
      })();

      // --- the promotion: once every camera reached PROMOTION_AT -----------------------------------
      let factoryV2: string | undefined;
      let promotedAt = 0;
      let arrived = 0;
      let releasePromotion: () => void = () => undefined;
      const promotion = new Promise<void>((resolve) => (releasePromotion = resolve));
      const promote = async () => {
        const env = { ARGUS_DATABASE_URL: db.url };
        await runNodeScript('services/detection-inference/src/registry-cli.ts', ['register', '--models-dir', path.join(tmp, 'next')], env);
        factoryV2 = await db.modelVersionId(FACTORY_MODEL, 'v2');
        if (!factoryV2) throw new Error('v2 was not registered');
        const out = await runNodeScript(
          'services/detection-inference/src/registry-cli.ts',
          ['promote', '--line', 'factory-1', '--version', factoryV2, '--by', 'e2e', '--reason', 'mid-stream promotion test'],
          env,
        );
        expect(out.stdout).toContain(`→ ${factoryV2}`);
        promotedAt = Date.now();
      };

      const send = async (camera: CameraFeed, index: number, bytes: Buffer, contentType: 'image/png' | 'image/jpeg', corrupt: boolean) => {
        const capturedAt = new Date(captureStart + index * FRAME_INTERVAL_MS + (corrupt ? FRAME_INTERVAL_MS / 2 : 0));
        const answer = await client.accept(camera.lineId, camera.cameraId, bytes, contentType, capturedAt);
        expect(answer.duplicate).toBe(false);
        sent.push({
          frameId: answer.frameId,
          lineId: camera.lineId,
          cameraId: camera.cameraId,
          index,
          capturedAt,
          corrupt,
          acceptedAt: answer.answeredAt,
        });
      };
      const stream = (c: number, from: number, to: number) => async () => {
        const camera = CAMERAS[c] as CameraFeed;
        for (let i = from; i < to; i++) {
          if (CORRUPT_BEFORE.includes(i)) await send(camera, i, corruptPng(validPng, c * 10 + i), 'image/png', true);
          if (i === PROMOTION_AT) {
            if (++arrived === CAMERAS.length) await promote().then(releasePromotion);
            await promotion;
          }
          await send(camera, i, encoded[c]?.[i] as Buffer, camera.format === 'png' ? 'image/png' : 'image/jpeg', false);
        }
      };

      await Promise.all(CAMERAS.map((_, c) => stream(c, 0, PHASE_TWO_FROM)()));
      await crash;
      await Promise.all(CAMERAS.map((_, c) => stream(c, PHASE_TWO_FROM, FRAMES_PER_CAMERA)()));
      const good = sent.filter((f) => !f.corrupt);
      const corrupt = sent.filter((f) => f.corrupt);
      expect(good).toHaveLength(CAMERAS.length * FRAMES_PER_CAMERA);
      expect(corrupt).toHaveLength(CAMERAS.length * CORRUPT_BEFORE.length);
      expect(new Set(sent.map((f) => f.frameId)).size).toBe(sent.length);

      // --- every frame reaches its end: processed, or failed for the corrupt ones ------------------
      const counts = await pollUntil(
        'every frame processed or failed',
        async () => {
          const c = await db.statusCounts();
          return (c['processed'] ?? 0) === good.length && (c['failed'] ?? 0) === corrupt.length ? c : undefined;
        },
        { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 500 },
      ).catch(async (error: unknown) => {
        throw new Error(`${(error as Error).message}; frames by status: ${JSON.stringify(await db.statusCounts())}`);
      });
      expect(counts).toEqual({ processed: 300, failed: 6 });
      const frames = new Map((await db.frames()).map((f) => [f.id, f]));
      expect(frames.size).toBe(sent.length);

      // The crash was mid-stream: frames were waiting when the process died.
      expect(killState).toBeDefined();
      expect(killState?.processed).toBeLessThan(killState?.accepted ?? 0);

      // --- detections: exactly one scored result per good frame, by the line's model -------------
      const inferences = await db.inferences();
      const byFrame = new Map<string, InferenceRow[]>();
      for (const row of inferences) byFrame.set(row.frameId, [...(byFrame.get(row.frameId) ?? []), row]);
      for (const f of good) {
        expect({ frameId: f.frameId, status: frames.get(f.frameId)?.status, inferences: byFrame.get(f.frameId)?.length }).toEqual({
          frameId: f.frameId,
          status: 'processed',
          inferences: 1,
        });
        expect(byFrame.get(f.frameId)?.[0]?.detections.length).toBeGreaterThan(0);
      }

      // --- corrupt frames: failed with the reason, nothing scored, in the dead-letter topic ---------
      for (const f of corrupt) {
        expect(frames.get(f.frameId)?.status).toBe('failed');
        expect(frames.get(f.frameId)?.failureReason).toMatch(/^frame-undecodable: /);
        expect(byFrame.has(f.frameId)).toBe(false);
      }
      await pollUntil(
        'the corrupt frames in inspection.frame.ingested.v1.dlq',
        () => (corrupt.every((f) => dlq.find(f.frameId, INFERENCE_GROUP)) ? true : undefined),
        { timeoutMs: 30_000, intervalMs: 200 },
        () =>
          `${corrupt.filter((f) => dlq.find(f.frameId, INFERENCE_GROUP)).length} of ${corrupt.length} found among ${dlq.from(INFERENCE_GROUP).length} dead letters of this run's group`,
      );
      for (const f of corrupt) {
        expect(dlq.find(f.frameId, INFERENCE_GROUP)).toMatchObject({
          errorCode: 'frame-undecodable',
          consumerGroup: INFERENCE_GROUP,
          reason: expect.any(String),
        });
      }
      expect(dlq.from(INFERENCE_GROUP).filter((d) => good.some((f) => f.frameId === d.frameId))).toEqual([]);

      // --- the promotion: frames sent after it carry v2; each camera switches once, never back -----
      expect(factoryV2).toBeDefined();
      const modelOf = (f: SentFrame) => byFrame.get(f.frameId)?.[0]?.modelVersionId;
      for (const f of good.filter((g) => g.lineId === 'pcb-1')) expect(modelOf(f)).toBe(pcbV1);
      for (const camera of CAMERAS.filter((c) => c.lineId === 'factory-1')) {
        const ordered = good.filter((f) => f.cameraId === camera.cameraId && f.lineId === camera.lineId).sort((a, b) => a.index - b.index);
        const models = ordered.map(modelOf);
        const firstV2 = models.indexOf(factoryV2);
        expect(firstV2).toBeGreaterThan(0); // some frames before the promotion were scored by v1
        expect(models.slice(0, firstV2).every((m) => m === factoryV1)).toBe(true);
        expect(models.slice(firstV2).every((m) => m === factoryV2)).toBe(true);
        for (const f of ordered.filter((o) => o.acceptedAt > promotedAt)) expect(modelOf(f)).toBe(factoryV2);
        expect(ordered.filter((o) => o.index >= PROMOTION_AT).every((o) => o.acceptedAt > promotedAt)).toBe(true);
      }

      // --- alerts: exactly the frames whose stored detections meet the rules after dedup ----------
      const lines = new Map<string, OracleLine>();
      for (const lineId of ['factory-1', 'pcb-1']) {
        const line = await db.lines().findLine(lineId);
        const rules = await db.lines().alertRulesFor(lineId);
        const minIou = line?.settings['dedupMinIou'];
        lines.set(lineId, {
          rules: rules.map((r) => ({
            className: r.className,
            minScore: r.minScore,
            minBoxAreaPx2: r.minBoxAreaPx2,
            severity: r.severity as Severity,
          })),
          dedupWindowSeconds: Number(line?.settings.dedupWindowSeconds ?? 0),
          dedupMinIou: typeof minIou === 'number' ? minIou : DEFAULT_DEDUP_MIN_IOU,
        });
      }
      const oracleFrames: OracleFrame[] = good.map((f) => ({
        frameId: f.frameId,
        lineId: f.lineId,
        cameraId: f.cameraId,
        capturedAt: frames.get(f.frameId)?.capturedAt as Date,
        sequence: f.index,
        detections: byFrame.get(f.frameId)?.[0]?.detections ?? [],
      }));
      const expected = expectedAlerts(oracleFrames, lines);
      const alerts = await db.alerts();
      const alertsByFrame = new Map<string, AlertRow[]>();
      for (const a of alerts) alertsByFrame.set(a.frameId, [...(alertsByFrame.get(a.frameId) ?? []), a]);
      // No duplicate: one alert per frame at most (each frame has one scored result).
      expect([...alertsByFrame.entries()].filter(([, list]) => list.length > 1)).toEqual([]);
      expect([...alertsByFrame.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [frameId, want] of expected) {
        const got = alertsByFrame.get(frameId)?.[0];
        expect({ frameId, severity: got?.severity, detections: got?.detections, model: got?.modelVersionId }).toEqual({
          frameId,
          severity: want.severity,
          detections: want.detections,
          model: byFrame.get(frameId)?.[0]?.modelVersionId,
        });
      }
      // The run is informative only if some frames alert, some do not, and dedup suppressed some.
      const qualifyingWithoutDedup = expectedAlerts(
        oracleFrames,
        new Map([...lines].map(([id, l]) => [id, { ...l, dedupWindowSeconds: 0 }])),
      );
      console.log(
        `pipeline e2e: ${good.length} frames, ${alerts.length} alerts (${qualifyingWithoutDedup.size} frames qualify before dedup); ` +
          `kill -9 at ${killState?.processed}/${killState?.accepted} processed/accepted; promotion after ${good.filter((f) => f.acceptedAt <= promotedAt).length} frames`,
      );
      expect(alerts.length).toBeGreaterThan(0);
      expect(alerts.length).toBeLessThan(good.length);
      expect(qualifyingWithoutDedup.size).toBeGreaterThan(alerts.length);
    });
  });
});
