// `npm run bench:pipeline`: the inspection pipeline's throughput and latency on infra/local, the
// services as separate processes (camera-ingest, detection-inference), compared with the raw
// throughput of the same model on the same machine.
//   1. infra/local: used if running, else started (and stopped at the end);
//   2. a throw-away database with the demo plant; the PCB line gets 6 AOI cameras (frames of one
//      camera share a partition, so micro-batches need several cameras);
//   3. model_fps: the served model through ONNX Runtime in a fresh process (model-throughput.ts),
//      batch as served (ARGUS_INFER_BATCH_MAX frames of the line, its golden template,
//      ARGUS_INFER_WORKERS worker threads of ARGUS_INFER_THREADS ORT threads, all scoring at once), decode + letterbox + model + NMS exactly as the inference
//      worker does, while no service runs so nothing competes: before the services start and
//      again after they stopped, and the mean of the two (the machine drifts);
//   4. a rate ladder: frames uploaded over HTTP at a fixed rate for a window; a rate is sustained
//      when camera-ingest accepted it, at the window's end no more than one second of frames
//      (at least 2 per camera) was still unprocessed — a pipeline slower than the rate falls
//      further behind the longer the window — and the rest was processed within a short grace;
//      the highest sustained rate is pipeline_fps;
//   5. latency at half that rate: frame.ingested_at → the later of the frame_inference and alert
//      rows' created_at (one Postgres clock), per frame.
//   6. with `--continual` (issue #18's target: production p99 while a job trains and a shadow runs):
//      then a copy of the line's production model shadows the line, continual-fine-tune starts as a
//      process with its trainer worker on, BENCH_CONTINUAL_REVIEWS of the line's alerts are confirmed
//      on Kafka as the console does, which fires its new-labels trigger, and once the job trains
//      (BENCH_CONTINUAL_EPOCHS: enough that it still trains after the window) the latency is
//      measured again at the same rate: the p99 with both against the p99 without, in this run
//      (pipeline-continual.phase.ts), with the shadow's counts and the job's progress.
// BENCH_RATE=<fps> runs one step at that rate and prints the CPU split instead (diagnosis);
// ARGUS_SERVICE_NODE_FLAGS='--cpu-prof --cpu-prof-dir=<dir>' profiles the services meanwhile.
// Prints progress, a table, and as its last line:
//   pipeline_fps=<n> model_fps=<n> ratio=<pipeline/model> p50_ms=<n> p95_ms=<n> p99_ms=<n>
// and with --continual: … p99_continual_ms=<n> p99_ratio=<continual/baseline> job_trained_throughout=<yes|no>
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Topics } from '@argus/contracts';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import {
  createFactorySurfaceGenerator,
  createPcbBoardGenerator,
  DEFAULT_MODEL_HEAP_GROWING_PERCENT,
  encodeImage,
  type RawImage,
  type SyntheticGenerator,
} from '@argus/vision';
import { ConsumerGroupAdmin } from '../support/consumer-group.admin';
import { FrameUploadClient } from '../support/frame-upload.client';
import { infraCpuSeconds, infraPids, stopLocalInfra, useLocalInfra } from '../support/local-infra';
import { PCB_CLASSES, writeUntrainedModelPackage } from '../support/model-package.fixture';
import { freePort } from '../support/network.probe';
import { PipelineDatabase } from '../support/pipeline-database.fixture';
import { REPO_ROOT, ServiceProcess } from '../support/service-process.harness';
import { runNodeScript } from '../support/node-script.runner';
import { sendPaced } from '../support/paced-sender';
import { cpuSecondsOf, machineBusySeconds } from '../support/proc-cpu.reader';
import { pollUntil } from '../support/wait-for.poller';
import { checkArgs, exactCommand, removeRunBucket, useRunBucket } from './continual-bench.support';
import { ContinualLoad, type ContinualLoadReport, describeContinualLoad } from './pipeline-continual.phase';

const run = randomBytes(3).toString('hex');
const TOKEN = `bench-camera-token-${run}`;
const GROUP = `detection-inference-bench-${run}`;
const BATCH_MAX = Number(process.env['ARGUS_INFER_BATCH_MAX'] ?? 6);
/** detection-inference's model workers and each one's ORT threads (the service's defaults: 2 × 1). */
const WORKERS = Number(process.env['ARGUS_INFER_WORKERS'] ?? 2);
const THREADS = Number(process.env['ARGUS_INFER_THREADS'] ?? 1);
/** V8's heap growing factor the model runs with, in percent (detection-inference's and model-throughput.ts's default). */
const HEAP_GROWING_PERCENT = Number(process.env['ARGUS_INFER_HEAP_GROWING_PERCENT'] ?? DEFAULT_MODEL_HEAP_GROWING_PERCENT);
/** The PCB line's AOI cameras (BENCH_CAMERAS): each camera's frames are scored one at a time, in order. */
const CAMERA_COUNT = Number(process.env['BENCH_CAMERAS'] ?? 6);
const WINDOW_S = Number(process.env['BENCH_WINDOW_S'] ?? 15);
const LATENCY_WINDOW_S = Number(process.env['BENCH_LATENCY_WINDOW_S'] ?? 12);
const MAX_IN_FLIGHT = 32;
/** Set: one step at this rate and the CPU split, instead of the ladder and the latency run. */
const FIXED_RATE = process.env['BENCH_RATE'] ? Number(process.env['BENCH_RATE']) : undefined;
/** The services' event-loop watchdog threshold here: low enough to explain a p99 tail. */
const STALL_MS = Number(process.env['ARGUS_EVENT_LOOP_STALL_MS'] ?? 100);
/** Set: each service's stdout and stderr are written there at the end (`<service>.log`). */
const LOG_DIR = process.env['BENCH_LOG_DIR'];
/** `--continual`: the latency again with a shadow on the line and a training job running (step 6). */
const CONTINUAL = checkArgs({ flags: ['continual'], values: [] }).has('continual');
/** Reviews that fire the job's trigger: the line's alerts, confirmed. */
const CONTINUAL_REVIEWS = Number(process.env['BENCH_CONTINUAL_REVIEWS'] ?? 20);
/** The job's epochs: it must still train when the latency run ends (the service stops it at the end). */
const CONTINUAL_EPOCHS = Number(process.env['BENCH_CONTINUAL_EPOCHS'] ?? 1000);
/** How long the job may take from its request to its training phase (the base model's replay data is loaded first). */
const CONTINUAL_START_TIMEOUT_S = Number(process.env['BENCH_CONTINUAL_START_TIMEOUT_S'] ?? 900);
const STATS_INTERVAL_MS = 2000;

const progress = (line: string) => process.stdout.write(`[bench] ${line}\n`);

interface StepResult {
  readonly rate: number;
  readonly sent: number;
  readonly accepted: number;
  readonly acceptedFps: number;
  readonly processedInGrace: number;
  readonly processedFps: number;
  readonly lagAtEnd: number;
  readonly sustained: boolean;
  /** detection-inference's model worker over the same span (its 2 s load lines). */
  readonly modelLoad: ReturnType<typeof modelLoadBetween>;
  /** CPU per frame of each process from the window's start until its backlog drained (ms). */
  readonly cpuMsPerFrame: Partial<Record<CpuConsumer, number>>;
}

type CpuConsumer = 'ingest' | 'inference' | 'driver' | 'kafka' | 's3proxy' | 'postgres' | 'machine';

/** The shipped model to serve: DeepPCB's if `models/` has it, else the factory one, else a built package. */
function chooseModel(): { dir: string | undefined; modelDir: string | undefined; feed: 'pcb' | 'factory'; note: string } {
  const models = path.join(REPO_ROOT, 'models');
  // Packages by their metadata name (`pcb-…`, `factory-…`), whatever their folder is called.
  const shipped = (existsSync(models) ? readdirSync(models) : [])
    .filter((d) => existsSync(path.join(models, d, 'metadata.json')))
    .map((d) => ({ folder: d, name: (JSON.parse(readFileSync(path.join(models, d, 'metadata.json'), 'utf8')) as { name: string }).name }));
  const pcb = shipped.find((p) => p.name.startsWith('pcb-'));
  if (pcb)
    return {
      dir: models,
      modelDir: path.join(models, pcb.folder),
      feed: 'pcb',
      note: `shipped DeepPCB model models/${pcb.folder} (${pcb.name})`,
    };
  const factory = shipped.find((p) => p.name.startsWith('factory-'));
  if (factory)
    return {
      dir: models,
      modelDir: path.join(models, factory.folder),
      feed: 'factory',
      note: `shipped factory model models/${factory.folder} (${factory.name})`,
    };
  return {
    dir: undefined,
    modelDir: undefined,
    feed: 'pcb',
    note: 'no shipped model in models/: a built (untrained) 32×32 PCB-class package',
  };
}

/**
 * The scene with `index` (and this run's id) written into pixels of its first row, starting at
 * pixel `offset`: a frame no other run or step sent. JPEG's quantization can erase such a small
 * mark (docs/performance.md), so FrameSupply checks.
 */
function markedWithIndex(image: RawImage, index: number, offset = 0): RawImage {
  const data = Uint8Array.from(image.data);
  const mark = Buffer.concat([Buffer.from(run, 'hex'), Buffer.from(Uint32Array.of(index).buffer)]);
  for (let i = 0; i < mark.length; i++) data[(offset + i) * image.channels] = mark[i] as number;
  return { ...image, data };
}

class FrameSupply {
  private next = 0;
  private readonly scenes: RawImage[] = [];
  private readonly sent = new Set<string>();
  constructor(generator: SyntheticGenerator) {
    for (let i = 0; i < 50; i++) this.scenes.push(generator.generate(i).image);
  }
  /**
   * `count` frames whose bytes were never sent before, JPEG like DeepPCB. Idempotent ingest answers
   * a repeat as a duplicate of the earlier frame, whose results are long committed: a repeat would
   * count the earlier frame's latency (docs/performance.md: the "p99 outliers").
   */
  async take(count: number): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++, this.next++) {
      const scene = this.scenes[this.next % this.scenes.length] as RawImage;
      for (let offset = 0; ; offset += 8) {
        const bytes = await encodeImage(markedWithIndex(scene, this.next, offset), 'jpeg');
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (this.sent.has(sha256)) {
          // The mark did not survive: move it along the row.
          if ((offset + 16) * scene.channels > scene.data.length) throw new Error(`frame ${this.next}: no mark survives JPEG`);
          continue;
        }
        this.sent.add(sha256);
        out.push(bytes);
        break;
      }
    }
    return out;
  }
}

const CPU_NAMES: Record<CpuConsumer, string> = {
  ingest: 'camera-ingest',
  inference: 'detection-inference',
  kafka: 'Kafka',
  s3proxy: 'S3Proxy',
  postgres: 'Postgres',
  driver: 'the driver',
  machine: 'the whole machine',
};

function cpuMsPerFrameBetween(
  start: Record<CpuConsumer, number | undefined>,
  end: Record<CpuConsumer, number | undefined>,
  frames: number,
): Partial<Record<CpuConsumer, number>> {
  const out: Partial<Record<CpuConsumer, number>> = {};
  for (const name of Object.keys(CPU_NAMES) as CpuConsumer[]) {
    const [before, after] = [start[name], end[name]];
    if (before !== undefined && after !== undefined && frames > 0) out[name] = (1000 * (after - before)) / frames;
  }
  return out;
}

function describeCpu(perFrame: Partial<Record<CpuConsumer, number>>): string {
  return (Object.keys(CPU_NAMES) as CpuConsumer[])
    .map((name) => `${CPU_NAMES[name]} ${perFrame[name] === undefined ? 'n/a' : `${(perFrame[name] as number).toFixed(1)} ms`}`)
    .join(', ');
}

/**
 * The most frames/s these two cores could process if camera-ingest and detection-inference cost
 * nothing beyond the model: cores ÷ (the model's CPU per frame, measured alone, + what Kafka,
 * S3Proxy, Postgres and the driver used per frame at the sustained rate). Those four are the cost
 * of the bench's setup, not of the services' code; when the ceiling itself is below 0.8 × model_fps,
 * no service code reaches the ratio target on this machine. (The driver's and Postgres' figures
 * include the bench's own progress polls, a little: the ceiling errs low by that much.)
 */
function ceilingOf(
  step: StepResult,
  modelCpuMsPerFrame: number,
  modelFps: number,
): { fps: number; ratio: number; fixedMs: number } | undefined {
  const { kafka, s3proxy, postgres, driver } = step.cpuMsPerFrame;
  if (kafka === undefined || s3proxy === undefined || postgres === undefined || driver === undefined) return undefined;
  const fixedMs = kafka + s3proxy + postgres + driver;
  // Nor faster than the model itself (with fewer ORT threads than cores, its wall time binds first).
  const fps = Math.min(modelFps, (1000 * os.availableParallelism()) / (modelCpuMsPerFrame + fixedMs));
  return { fps, ratio: fps / modelFps, fixedMs };
}

/**
 * The model's throughput, measured by model-throughput.ts in a fresh process on the batch in
 * `framesDir`; also how busy the rest of the machine was during its measurement.
 */
async function measureModelFps(modelDir: string, framesDir: string): Promise<{ fps: number; cpuMsPerFrame: number }> {
  const result = await runNodeScript(
    'e2e/bench/model-throughput.ts',
    [modelDir, framesDir],
    { ARGUS_INFER_WORKERS: String(WORKERS), ARGUS_INFER_THREADS: String(THREADS) },
    120_000,
  );
  const { fps, cpuMsPerFrame, othersCores } = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
    fps: number;
    cpuMsPerFrame: number;
    othersCores?: number;
  };
  const others = othersCores === undefined ? '' : `; the rest of the machine meanwhile ${(100 * othersCores).toFixed(0)}% of a core`;
  progress(`model: ${fps.toFixed(1)} frames/s, ${cpuMsPerFrame.toFixed(1)} ms CPU per frame${others}`);
  return { fps, cpuMsPerFrame };
}

/**
 * The services' "event loop stalled" warnings (the platform's watchdog, ARGUS_EVENT_LOOP_STALL_MS)
 * in their output from line `from[i]` on (up to `to[i]` when given): how many, the longest, how much of it was GC.
 */
function stallSummary(services: readonly ServiceProcess[], from: readonly number[], to?: readonly number[]): string {
  return services
    .map((s, i) => {
      const stalls = s.stdout
        .slice(from[i] ?? 0, to?.[i])
        .map((line) => {
          try {
            return JSON.parse(line) as { blockedMs?: unknown; gcMs?: unknown };
          } catch {
            return {};
          }
        })
        .filter((l): l is { blockedMs: number; gcMs: number } => typeof l.blockedMs === 'number' && typeof l.gcMs === 'number');
      const name = path.basename(path.dirname(path.dirname(s.entry)));
      if (stalls.length === 0) return `${name} none`;
      const worst = stalls.reduce((a, b) => (b.blockedMs > a.blockedMs ? b : a));
      return `${name} ${stalls.length} (longest ${worst.blockedMs} ms, GC ${worst.gcMs} ms of it)`;
    })
    .join('; ');
}

/**
 * detection-inference's model-worker lines (ARGUS_INFER_STATS_INTERVAL_MS) logged between two
 * instants: the model's busy share and batch figures over that span, or undefined if none.
 */
function modelLoadBetween(
  inference: ServiceProcess,
  fromMs: number,
  toMs: number,
): { busyPercent: number; framesPerBatch: number; queued: number; gcPausePercent: number; fullGcsPerMinute: number } | undefined {
  let windowMs = 0;
  let busyMs = 0;
  let frames = 0;
  let batches = 0;
  let queued = 0;
  let gcPauseMs = 0;
  let fullGcs = 0;
  for (const line of inference.stdout) {
    let entry: {
      time?: string;
      windowMs?: number;
      modelBusyPercent?: number;
      frames?: number;
      batches?: number;
      queuedAtBatchStart?: number;
      workerGcPausePercent?: number;
      workerFullGcs?: number;
    };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (typeof entry.modelBusyPercent !== 'number' || typeof entry.windowMs !== 'number' || !entry.time) continue;
    const at = Date.parse(entry.time);
    if (at - entry.windowMs < fromMs || at > toMs) continue; // only lines whose whole span lies inside
    windowMs += entry.windowMs;
    busyMs += (entry.modelBusyPercent / 100) * entry.windowMs;
    frames += entry.frames ?? 0;
    batches += entry.batches ?? 0;
    queued += (entry.queuedAtBatchStart ?? 0) * (entry.batches ?? 0);
    gcPauseMs += ((entry.workerGcPausePercent ?? 0) / 100) * entry.windowMs;
    fullGcs += entry.workerFullGcs ?? 0;
  }
  if (windowMs === 0 || batches === 0) return undefined;
  return {
    busyPercent: (100 * busyMs) / windowMs,
    framesPerBatch: frames / batches,
    queued: queued / batches,
    gcPausePercent: (100 * gcPauseMs) / windowMs,
    fullGcsPerMinute: (60_000 * fullGcs) / windowMs,
  };
}

function describeModelLoad(load: ReturnType<typeof modelLoadBetween>): string {
  if (!load) return 'n/a (no load lines from detection-inference)';
  return (
    `busy ${load.busyPercent.toFixed(0)}% of the time, ${load.framesPerBatch.toFixed(1)} frames per batch, ${load.queued.toFixed(1)} frames queued at each batch start; ` +
    `its thread paused ${load.gcPausePercent.toFixed(1)}% of the time for GC, ${load.fullGcsPerMinute.toFixed(0)} full GCs a minute`
  );
}

/** SIGTERM to the services still running, SIGKILL after 30 s. */
async function stopServices(services: readonly ServiceProcess[]): Promise<void> {
  await Promise.all(
    services
      .filter((s) => s.running)
      .map(async (s) => {
        s.signal('SIGTERM');
        await s.waitForExit(30_000).catch(() => s.kill());
      }),
  );
}

/** Machine load average over the last minute (what else was running shows in every figure). */
function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** What the bench creates, for the clean-up to remove whatever step failed. */
interface BenchResources {
  readonly tmp: string;
  readonly store: MinioObjectStore;
  readonly services: ServiceProcess[];
  db?: PipelineDatabase;
  /** The untrained package built when models/ has none. */
  builtName?: string;
}

/** The model the services serve and where its package is. */
interface ServedModel {
  readonly choice: ReturnType<typeof chooseModel>;
  readonly modelsDir: string;
  readonly modelDir: string;
}

/** The shipped model, or an untrained package built under the run's temporary folder; prints which. */
async function prepareModel(resources: BenchResources): Promise<ServedModel> {
  const choice = chooseModel();
  let modelsDir = choice.dir;
  if (!modelsDir) {
    resources.builtName = `pcb-bench${run}`;
    modelsDir = path.join(resources.tmp, 'models');
    await writeUntrainedModelPackage(path.join(modelsDir, resources.builtName), {
      name: resources.builtName,
      version: 'v1',
      seed: 7,
      classes: PCB_CLASSES,
    });
  }
  const modelDir = choice.modelDir ?? path.join(modelsDir, resources.builtName as string);
  const modelName = JSON.parse(readFileSync(path.join(modelDir, 'metadata.json'), 'utf8')) as { name: string; version: string };
  progress(
    `model: ${choice.note} (${modelName.name} ${modelName.version}); batch ${BATCH_MAX}, ${WORKERS} model worker(s) × ${THREADS} ORT thread(s), V8 heap growing ${HEAP_GROWING_PERCENT}%`,
  );
  return { choice, modelsDir, modelDir };
}

/**
 * A PCB line's cameras see one board design, the one its golden template shows: the frames are
 * the demo pcb-1 board (seed 1, scene 0, whose template the seed stores) with each frame's own
 * defects. (Frames of other boards against that template read as all defect: ~50 boxes each.)
 * The factory fallback draws a new part per frame, so its frames do not fit factory-1's template.
 */
function frameGeneratorFor(feed: 'pcb' | 'factory'): SyntheticGenerator {
  return feed === 'pcb' ? createPcbBoardGenerator({ seed: 1, board: 0 }) : createFactorySurfaceGenerator({ seed: 5 });
}

/** A throw-away database with the demo plant, and the line's golden template as stored (checked against the bench's board). */
async function seedDemoPlant(
  resources: BenchResources,
  lineId: string,
  generator: SyntheticGenerator,
  feed: 'pcb' | 'factory',
): Promise<{ db: PipelineDatabase; templateBytes: Buffer }> {
  const db = await PipelineDatabase.create('pipeline-bench');
  resources.db = db;
  await db.seedDemo();
  // The line's golden template as stored: the model measurement runs what the service runs.
  const templateBytes = await resources.store.get(`${lineId}/templates/golden.png`);
  const boardTemplate = generator.generate(0).template;
  if (feed === 'pcb' && !(boardTemplate && (await encodeImage(boardTemplate, 'png')).equals(templateBytes))) {
    throw new Error(`the bench's PCB board is not the one ${lineId}'s golden template shows (has the demo seed changed?)`);
  }
  return { db, templateBytes };
}

/** model_fps before the services start: one served batch (frames + template) written to a folder and measured. */
async function measureModelBefore(
  resources: BenchResources,
  modelDir: string,
  supply: FrameSupply,
  templateBytes: Buffer,
): Promise<{ modelBatchDir: string; modelBefore: { fps: number; cpuMsPerFrame: number } }> {
  progress('measuring the model in a process of its own (ONNX Runtime, batch as served)…');
  const modelBatchDir = path.join(resources.tmp, 'model-batch');
  await mkdir(modelBatchDir);
  for (const [i, frame] of (await supply.take(BATCH_MAX)).entries()) await writeFile(path.join(modelBatchDir, `frame-${i}.jpg`), frame);
  await writeFile(path.join(modelBatchDir, 'template.png'), templateBytes);
  const modelBefore = await measureModelFps(modelDir, modelBatchDir);
  progress(`model_fps before the ladder: ${modelBefore.fps.toFixed(1)}`);
  return { modelBatchDir, modelBefore };
}

/** The line's bench cameras, and a consumer group that starts at the topic's end (old frames are not measured). */
async function prepareCamerasAndGroup(
  db: PipelineDatabase,
  lineId: string,
): Promise<{ cameras: string[]; groupAdmin: ConsumerGroupAdmin }> {
  const cameras = Array.from({ length: CAMERA_COUNT }, (_, i) => `bench-${i + 1}`);
  for (const camera of cameras) await db.lines().addCamera({ lineId, id: camera, name: `Bench camera ${camera}` });
  const brokers = (process.env['ARGUS_KAFKA_BROKERS'] ?? '').split(',');
  const groupAdmin = new ConsumerGroupAdmin(brokers, `bench-admin-${run}`);
  await groupAdmin.skipToLatestWhenIdle(GROUP, Topics.frameIngested, 30_000);
  return { cameras, groupAdmin };
}

/** camera-ingest and detection-inference as processes, once both are ready and the inference group has caught up. */
async function startServices(
  resources: BenchResources,
  db: PipelineDatabase,
  modelsDir: string,
  groupAdmin: ConsumerGroupAdmin,
): Promise<{ ingest: ServiceProcess; inference: ServiceProcess }> {
  const start = async (entry: string, env: Record<string, string>) => {
    const s = ServiceProcess.start({
      entry,
      port: await freePort(),
      env: { LOG_LEVEL: 'warn', ARGUS_EVENT_LOOP_STALL_MS: String(STALL_MS), ARGUS_DATABASE_URL: db.url, ...env },
    });
    resources.services.push(s);
    return s;
  };
  const ingest = await start('services/camera-ingest/src/main.ts', { ARGUS_CAMERA_TOKEN: TOKEN });
  const inference = await start('services/detection-inference/src/main.ts', {
    ARGUS_MODELS_DIR: modelsDir,
    ARGUS_MODEL_CACHE_DIR: path.join(resources.tmp, 'cache'),
    ARGUS_INSTANCE_ID: `bench-${run}`,
    ARGUS_INFER_GROUP_ID: GROUP,
    ARGUS_INFER_BATCH_MAX: String(BATCH_MAX),
    ARGUS_INFER_WORKERS: String(WORKERS),
    ARGUS_INFER_THREADS: String(THREADS),
    // The model worker's load every 2 s (info), for the sustained step's busy share.
    LOG_LEVEL: 'info',
    ARGUS_INFER_STATS_INTERVAL_MS: String(STATS_INTERVAL_MS),
  });
  progress('starting camera-ingest and detection-inference…');
  await Promise.all([ingest, inference].map((s) => s.waitForStatus('/health/ready', 200, 120_000)));
  // The shared topic holds other runs' frames; should the new group start behind (it can be
  // thousands of old frames, dead-lettered at first), measure only once it has caught up.
  await pollUntil(
    'the inference group to catch up with the topic',
    async () => ((await groupAdmin.snapshot(GROUP, Topics.frameIngested.name)).lag <= CAMERA_COUNT ? true : undefined),
    { timeoutMs: 300_000, intervalMs: 1_000 },
  );
  return { ingest, inference };
}

/** One driven window: what was sent and accepted, and the CPU counters and clock at its start. */
interface DrivenWindow {
  readonly sent: number;
  readonly accepted: string[];
  readonly refused: number;
  readonly elapsed: number;
  readonly cpuAtWindowStart: Record<CpuConsumer, number | undefined>;
  readonly startedAt: number;
}

/** Uploads frames to the running services at a fixed rate and judges whether they kept up. */
class PipelineDriver {
  /** Every rate step tried, in order. */
  readonly steps: StepResult[] = [];
  private readonly infra = infraPids();

  constructor(
    private readonly supply: FrameSupply,
    private readonly client: FrameUploadClient,
    private readonly db: PipelineDatabase,
    private readonly lineId: string,
    private readonly cameras: readonly string[],
    private readonly ingest: ServiceProcess,
    private readonly inference: ServiceProcess,
  ) {}

  /** CPU seconds so far of every process the bench accounts for. */
  cpuNow(): Record<CpuConsumer, number | undefined> {
    return {
      ingest: cpuSecondsOf(this.ingest.pid),
      inference: cpuSecondsOf(this.inference.pid),
      driver: cpuSecondsOf(process.pid),
      ...infraCpuSeconds(this.infra),
      machine: machineBusySeconds(),
    };
  }

  /** Drives `rate` frames/s for `seconds`; returns the accepted frame ids and when they were accepted. */
  async drive(rate: number, seconds: number): Promise<DrivenWindow> {
    const frames = await this.supply.take(Math.round(rate * seconds));
    const accepted: string[] = [];
    let duplicates = 0;
    const cpuAtWindowStart = this.cpuNow();
    const startedAt = Date.now();
    const paced = await sendPaced({
      count: frames.length,
      rate,
      maxInFlight: MAX_IN_FLIGHT,
      send: async (i) => {
        const a = await this.client.upload(this.lineId, this.cameras[i % this.cameras.length] as string, frames[i] as Buffer, 'image/jpeg');
        if (a.status !== 202 || !a.frameId) return `HTTP ${a.status}: ${a.text.slice(0, 160)}`;
        if (a.duplicate)
          duplicates++; // not this frame's latency: ingest answered with an earlier frame
        else accepted.push(a.frameId);
        return undefined;
      },
    });
    if (duplicates > 0) progress(`  ${duplicates} frames were answered as duplicates of earlier ones: not counted`);
    for (const [reason, count] of paced.refusals) progress(`  ${count} frame(s) not accepted: ${reason}`);
    return { sent: frames.length, accepted, refused: paced.refused, elapsed: paced.elapsedS, cpuAtWindowStart, startedAt };
  }

  /** Until every one of `ids` is processed; false if `timeoutMs` passed first. */
  drain(ids: readonly string[], timeoutMs: number): Promise<boolean> {
    return pollUntil('the backlog to drain', async () => ((await this.processedOf(ids)) >= ids.length ? true : undefined), {
      timeoutMs,
      intervalMs: 250,
    }).catch(() => false);
  }

  /** One rate step: a window at `rate`, judged sustained or not, then drained; recorded in `steps`. */
  async tryRate(rate: number): Promise<StepResult> {
    progress(`driving ${rate.toFixed(1)} frames/s for ${WINDOW_S} s…`);
    const d = await this.drive(rate, WINDOW_S);
    const graceMs = Math.max(2_000, 250 * WINDOW_S);
    const processedAtEnd = await this.processedOf(d.accepted);
    const deadline = Date.now() + graceMs;
    let processed = processedAtEnd;
    while (processed < d.accepted.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      processed = await this.processedOf(d.accepted);
    }
    const acceptedFps = d.accepted.length / d.elapsed;
    // What a keeping-up pipeline still holds when the last upload is answered: the frames of its
    // last few hundred milliseconds. A backlog beyond a second means it processed slower than the
    // rate (over the 15 s window, by 7% or more). The grace alone is not enough: it lets rates pass
    // that the pipeline processes markedly slower (see docs/performance.md).
    const backlogLimit = Math.max(2 * CAMERA_COUNT, Math.ceil(rate));
    const lagAtEnd = d.accepted.length - processedAtEnd;
    const sustained = d.refused === 0 && d.accepted.length >= 0.97 * d.sent && lagAtEnd <= backlogLimit && processed === d.accepted.length;
    progress(
      `  ${rate.toFixed(1)} fps: accepted ${d.accepted.length}/${d.sent}, processed ${processed} (backlog ${lagAtEnd} at the window's end, limit ${backlogLimit}) → ${sustained ? 'sustained' : 'NOT sustained'}`,
    );
    if (!(await this.drain(d.accepted, 120_000))) progress('  (backlog still draining after 120 s)');
    const result: StepResult = {
      rate,
      sent: d.sent,
      accepted: d.accepted.length,
      acceptedFps,
      processedInGrace: processed,
      processedFps: processed / d.elapsed,
      lagAtEnd,
      sustained,
      modelLoad: modelLoadBetween(this.inference, d.startedAt, Date.now()),
      cpuMsPerFrame: cpuMsPerFrameBetween(d.cpuAtWindowStart, this.cpuNow(), d.accepted.length),
    };
    this.steps.push(result);
    return result;
  }

  private async processedOf(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.db.countProcessed(ids)) ?? 0;
  }
}

/**
 * The highest sustained rate: BENCH_RATE's one step, or a ladder (×1.6 from 4 frames/s up to its
 * first failure) narrowed by three halvings to within 1/8 of the last ladder step (≈ 8%).
 */
async function findSustainedRate(driver: PipelineDriver, modelFpsBefore: number): Promise<StepResult | undefined> {
  let best: StepResult | undefined;
  let failed: number | undefined;
  if (FIXED_RATE !== undefined) {
    // Diagnosis: one step at the given rate, for the CPU split at that rate (no ladder, no latency).
    const r = await driver.tryRate(FIXED_RATE);
    if (r.sustained) best = r;
    else failed = FIXED_RATE;
  }
  for (let rate = 4; FIXED_RATE === undefined && rate <= Math.max(20, modelFpsBefore * 1.5) && failed === undefined; rate *= 1.6) {
    const r = await driver.tryRate(rate);
    if (r.sustained) best = r;
    else failed = rate;
  }
  if (best && failed && FIXED_RATE === undefined) {
    let low = best.rate;
    let high = failed;
    for (let i = 0; i < 3; i++) {
      const mid = (low + high) / 2;
      const r = await driver.tryRate(mid);
      if (r.sustained) {
        best = r;
        low = mid;
      } else high = mid;
    }
  }
  return best;
}

/** BENCH_RATE's report: whether the rate was sustained, the CPU split and the model worker's load at it. */
async function printDiagnosis(
  best: StepResult | undefined,
  steps: readonly StepResult[],
  cpuLine: string,
  db: PipelineDatabase,
): Promise<void> {
  console.log(`rate ${FIXED_RATE} fps: ${best ? 'sustained' : 'NOT sustained'}`);
  console.log(`cpu:          ${cpuLine}`);
  const step = steps[0];
  if (step)
    console.log(
      `cpu at ${FIXED_RATE} fps: per frame from the window's start until its backlog drained: ${describeCpu(step.cpuMsPerFrame)}`,
    );
  if (step) console.log(`model worker: ${describeModelLoad(step.modelLoad)}`);
  const workload = await db.workload();
  console.log(
    `workload:     ${workload.detectionsPerFrame.toFixed(1)} detections stored and ${workload.alertsPerFrame.toFixed(2)} alerts raised per frame`,
  );
}

type FrameLatency = Awaited<ReturnType<PipelineDatabase['latencies']>>[number];

/** The latency run's figures: its rate, the sorted latencies, their percentiles and the slowest frames. */
interface LatencyRun {
  readonly latencyRate: number;
  readonly latencies: number[];
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly tail: string;
  /** Each service's output length at the run's start, for its stalls. */
  readonly stallMarks: number[];
  /** Each service's output length once the run's frames were processed (the continual phase follows). */
  readonly stallEnds: number[];
}

/** Latency at half the sustained rate: ingest → detections and alert committed, per frame. */
async function measureLatency(
  driver: PipelineDriver,
  db: PipelineDatabase,
  groupAdmin: ConsumerGroupAdmin,
  services: readonly ServiceProcess[],
  best: StepResult | undefined,
): Promise<LatencyRun> {
  const latencyRate = Math.max(1, (best?.rate ?? 2) / 2);
  progress(`latency at ${latencyRate.toFixed(1)} frames/s (half the sustained rate) for ${LATENCY_WINDOW_S} s…`);
  const topicEndsBefore = await groupAdmin.ends(Topics.frameIngested.name);
  const stallMarks = services.map((s) => s.stdout.length);
  const l = await driver.drive(latencyRate, LATENCY_WINDOW_S);
  await driver.drain(l.accepted, 120_000);
  const stallEnds = services.map((s) => s.stdout.length);
  const frameLatencies = await db.latencies(l.accepted);
  // When each frame's frame-ingested event was published (camera-ingest's clock): splits a slow
  // frame's time into ingest → publish and publish → results committed (Kafka and inference).
  const publishedAt = await groupAdmin
    .publishTimesByFrame(Topics.frameIngested.name, topicEndsBefore, await groupAdmin.ends(Topics.frameIngested.name))
    .catch(() => new Map<string, number>());
  const latencies = frameLatencies.map((f) => f.ms).sort((a, b) => a - b);
  const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(latencies, p)) as [number, number, number];
  return { latencyRate, latencies, p50, p95, p99, tail: slowestFrames(frameLatencies, publishedAt), stallMarks, stallEnds };
}

/** The tail, with when and where: a cluster in time is a stall (GC, a server), spread is queueing. */
function slowestFrames(frameLatencies: readonly FrameLatency[], publishedAt: ReadonlyMap<string, number>): string {
  const firstIngest = Math.min(...frameLatencies.map((f) => f.ingestedAt.getTime()));
  const slowest = [...frameLatencies].sort((a, b) => b.ms - a.ms).slice(0, 5);
  return slowest
    .map((f) => {
      const published = publishedAt.get(f.frameId);
      const split = published === undefined ? '' : `, published after ${(published - f.ingestedAt.getTime()).toFixed(0)} ms`;
      return `${f.ms.toFixed(0)} ms (${f.cameraId}, +${((f.ingestedAt.getTime() - firstIngest) / 1000).toFixed(1)} s${split})`;
    })
    .join(', ');
}

/** The full run's figures, as the report prints them. */
interface BenchFigures {
  readonly choice: ReturnType<typeof chooseModel>;
  readonly steps: readonly StepResult[];
  readonly best: StepResult | undefined;
  readonly pipelineFps: number;
  readonly modelFps: number;
  readonly modelFpsBefore: number;
  readonly modelFpsAfter: number;
  readonly modelCpuMsPerFrame: number;
  readonly ceiling: ReturnType<typeof ceilingOf>;
  readonly cpuLine: string;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
  /** The services, for their stalls during the latency run. */
  readonly services: readonly ServiceProcess[];
  readonly latency: LatencyRun;
  /** `--continual`: the latency run again with a shadow and a training job, and what they did meanwhile. */
  readonly continual?: { readonly latency: LatencyRun; readonly load: ContinualLoadReport };
}

/** The ladder's table, then one line per figure. */
async function printReport(f: BenchFigures, db: PipelineDatabase): Promise<void> {
  const row = (cells: (string | number)[]) => cells.map((c, i) => String(c).padStart(i === 0 ? 9 : 11)).join(' ');
  console.log('');
  console.log(row(['rate fps', 'sent', 'accepted', 'accept fps', 'processed', 'backlog', 'sustained']));
  for (const s of f.steps)
    console.log(
      row([s.rate.toFixed(1), s.sent, s.accepted, s.acceptedFps.toFixed(1), s.processedInGrace, s.lagAtEnd, s.sustained ? 'yes' : 'no']),
    );
  console.log('');
  const workload = await db.workload();
  console.log(`model:        ${f.choice.note}`);
  console.log(
    `workload:     ${workload.frames} frames scored, ${workload.detectionsPerFrame.toFixed(1)} detections stored and ` +
      `${workload.alertsPerFrame.toFixed(2)} alerts raised per frame`,
  );
  console.log(
    `model_fps:    ${f.modelFps.toFixed(1)} (ORT in a process of its own, batch ${BATCH_MAX}, ${WORKERS} worker(s) × ${THREADS} thread(s), decode+letterbox+model+NMS; ` +
      `mean of ${f.modelFpsBefore.toFixed(1)} before the ladder and ${f.modelFpsAfter.toFixed(1)} after it)`,
  );
  console.log(`pipeline_fps: ${f.pipelineFps.toFixed(1)} (highest rate accepted and fully processed within the grace)`);
  console.log(`cpu:          ${f.cpuLine}`);
  if (f.best)
    console.log(
      `cpu at ${f.best.rate.toFixed(1)} fps (the sustained step), per frame from its window's start until its backlog drained: ${describeCpu(f.best.cpuMsPerFrame)}`,
    );
  if (f.best) console.log(`model worker: during the sustained step ${describeModelLoad(f.best.modelLoad)}`);
  if (f.ceiling) {
    console.log(
      `ceiling:      ${f.ceiling.fps.toFixed(1)} frames/s = the lower of model_fps and ${os.availableParallelism()} cores ÷ (the model's ${f.modelCpuMsPerFrame.toFixed(1)} ms + ` +
        `Kafka, S3Proxy, Postgres and the driver's ${f.ceiling.fixedMs.toFixed(1)} ms of CPU per frame): the rate if both services cost nothing beyond the model; ` +
        `ratio at that ceiling ${f.ceiling.ratio.toFixed(3)}, the pipeline reached ${(f.pipelineFps / f.ceiling.fps).toFixed(3)} of it`,
    );
  }
  console.log(`load average: ${f.loadAtStart} at the ladder's start, ${f.loadAtEnd} at its end (1, 5, 15 min; 2 cores)`);
  console.log(
    `stalls:       during the latency run, event loop ≥ ${STALL_MS} ms late: ${stallSummary(f.services.slice(0, f.latency.stallMarks.length), f.latency.stallMarks, f.latency.stallEnds)}`,
  );
  const { latencies, latencyRate, p50, p95, p99, tail } = f.latency;
  console.log(
    `latency:      ${latencies.length} frames at ${latencyRate.toFixed(1)} fps: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${(latencies.at(-1) ?? Number.NaN).toFixed(0)} ms; slowest: ${tail}`,
  );
  if (f.continual) printContinual(f.continual, f.latency, f.services);
  console.log(`command:      ${exactCommand('bench:pipeline')}`);
}

/** `--continual`'s lines: the latency with a shadow and a job, what they did, and the p99 against the run without them. */
function printContinual(c: NonNullable<BenchFigures['continual']>, baseline: LatencyRun, services: readonly ServiceProcess[]): void {
  const { latencies, latencyRate, p50, p95, p99, tail } = c.latency;
  console.log(
    `continual:    the same rate with a shadow on the line and a training job running: ${latencies.length} frames at ${latencyRate.toFixed(1)} fps: ` +
      `p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${(latencies.at(-1) ?? Number.NaN).toFixed(0)} ms; slowest: ${tail}`,
  );
  for (const line of describeContinualLoad(c.load)) console.log(line);
  console.log(
    `stalls:       during the continual latency run, event loop ≥ ${STALL_MS} ms late: ${stallSummary(services, c.latency.stallMarks, c.latency.stallEnds)}`,
  );
  console.log(
    `p99:          ${p99.toFixed(0)} ms with the job and the shadow ÷ ${baseline.p99.toFixed(0)} ms without them (this run, same rate) = ${(p99 / baseline.p99).toFixed(2)}; target ≤ 250 ms`,
  );
}

/** The sustained-rate search with the CPU and load averages around it. */
async function runLadder(driver: PipelineDriver, modelFpsBefore: number) {
  const cpuAtStart = driver.cpuNow();
  const loadAtStart = loadAverage();
  const best = await findSustainedRate(driver, modelFpsBefore);
  const { steps } = driver;
  const pipelineFps = best ? best.acceptedFps : 0;
  const ladderFrames = steps.reduce((n, step) => n + step.accepted, 0);
  const cpuLine = `per frame over the ladder's ${ladderFrames} frames: ${describeCpu(cpuMsPerFrameBetween(cpuAtStart, driver.cpuNow(), ladderFrames))} (idle moments between steps included)`;
  const loadAtEnd = loadAverage();
  return { best, steps, pipelineFps, cpuLine, loadAtStart, loadAtEnd };
}

/**
 * The model again, with the services stopped: this machine's speed drifts over minutes (a shared
 * VM), so model_fps is the mean of a measurement before and one after the ladder.
 */
async function measureModelAfter(
  services: readonly ServiceProcess[],
  modelDir: string,
  modelBatchDir: string,
  modelBefore: { fps: number; cpuMsPerFrame: number },
): Promise<{ modelAfter: { fps: number; cpuMsPerFrame: number }; modelFps: number; modelCpuMsPerFrame: number }> {
  progress('stopping the services, measuring the model again…');
  await stopServices(services);
  const modelAfter = await measureModelFps(modelDir, modelBatchDir);
  const modelFps = (modelBefore.fps + modelAfter.fps) / 2;
  const modelCpuMsPerFrame = (modelBefore.cpuMsPerFrame + modelAfter.cpuMsPerFrame) / 2;
  return { modelAfter, modelFps, modelCpuMsPerFrame };
}

/**
 * Sets up, measures the model, starts the services, finds the sustained rate and (without
 * BENCH_RATE) measures latency and the model again; returns the summary line, or undefined after
 * BENCH_RATE's diagnosis.
 */
async function runBench(resources: BenchResources): Promise<string | undefined> {
  const { choice, modelsDir, modelDir } = await prepareModel(resources);
  const lineId = choice.feed === 'pcb' ? 'pcb-1' : 'factory-1';
  const generator = frameGeneratorFor(choice.feed);
  const supply = new FrameSupply(generator);
  const { db, templateBytes } = await seedDemoPlant(resources, lineId, generator, choice.feed);
  const { modelBatchDir, modelBefore } = await measureModelBefore(resources, modelDir, supply, templateBytes);
  const { cameras, groupAdmin } = await prepareCamerasAndGroup(db, lineId);
  const { ingest, inference } = await startServices(resources, db, modelsDir, groupAdmin);
  const client = new FrameUploadClient(ingest.url(''), TOKEN);
  const driver = new PipelineDriver(supply, client, db, lineId, cameras, ingest, inference);

  // Warm-up: loads the model, fills connection pools.
  progress('warm-up…');
  const warm = await driver.drive(5, 2);
  await driver.drain(warm.accepted, 60_000);

  const { best, steps, pipelineFps, cpuLine, loadAtStart, loadAtEnd } = await runLadder(driver, modelBefore.fps);
  if (FIXED_RATE !== undefined) {
    await printDiagnosis(best, steps, cpuLine, db);
    return undefined;
  }
  const latency = await measureLatency(driver, db, groupAdmin, resources.services, best);
  const continual = CONTINUAL ? await measureWithContinualLoad(resources, db, lineId, groupAdmin, driver, inference, best) : undefined;

  const { modelAfter, modelFps, modelCpuMsPerFrame } = await measureModelAfter(resources.services, modelDir, modelBatchDir, modelBefore);
  const ceiling = best ? ceilingOf(best, modelCpuMsPerFrame, modelFps) : undefined;
  await printReport(
    {
      choice,
      steps,
      best,
      pipelineFps,
      modelFps,
      modelFpsBefore: modelBefore.fps,
      modelFpsAfter: modelAfter.fps,
      modelCpuMsPerFrame,
      ceiling,
      cpuLine,
      loadAtStart,
      loadAtEnd,
      services: resources.services,
      latency,
      ...(continual ? { continual } : {}),
    },
    db,
  );
  const { p50, p95, p99 } = latency;
  const summary = `pipeline_fps=${pipelineFps.toFixed(1)} model_fps=${modelFps.toFixed(1)} ratio=${(pipelineFps / modelFps).toFixed(3)} p50_ms=${p50.toFixed(0)} p95_ms=${p95.toFixed(0)} p99_ms=${p99.toFixed(0)}`;
  if (!continual) return summary;
  return `${summary} p99_continual_ms=${continual.latency.p99.toFixed(0)} p99_ratio=${(continual.latency.p99 / p99).toFixed(2)} job_trained_throughout=${continual.load.trainedThroughout ? 'yes' : 'no'}`;
}

/**
 * `--continual`: a shadow on the line and a training job started (pipeline-continual.phase.ts),
 * then the latency run again at the same rate while the job trains; the job is left training (the
 * services are stopped next).
 */
async function measureWithContinualLoad(
  resources: BenchResources,
  db: PipelineDatabase,
  lineId: string,
  groupAdmin: ConsumerGroupAdmin,
  driver: PipelineDriver,
  inference: ServiceProcess,
  best: StepResult | undefined,
): Promise<{ latency: LatencyRun; load: ContinualLoadReport }> {
  const load = await ContinualLoad.start({
    run,
    lineId,
    db,
    tmp: resources.tmp,
    groupAdmin,
    services: resources.services,
    reviews: CONTINUAL_REVIEWS,
    epochs: CONTINUAL_EPOCHS,
    startTimeoutMs: CONTINUAL_START_TIMEOUT_S * 1000,
    stallMs: STALL_MS,
    progress,
  });
  try {
    const from = Date.now();
    const latency = await measureLatency(driver, db, groupAdmin, resources.services, best);
    const to = Date.now();
    // The job must still be training after the window: its next progress event says so.
    await load.progressAfter(to, 30_000);
    return { latency, load: load.report(from, to, STATS_INTERVAL_MS, inference) };
  } finally {
    await load.stop();
  }
}

/** Stops the services, keeps their logs (BENCH_LOG_DIR), deletes what the run stored, and stops infra it started. */
async function cleanUp(resources: BenchResources, localInfra: ReturnType<typeof useLocalInfra>): Promise<void> {
  const { services, store, db, builtName } = resources;
  progress('cleaning up…');
  await stopServices(services);
  if (LOG_DIR) {
    await mkdir(LOG_DIR, { recursive: true });
    for (const s of services)
      await writeFile(
        path.join(LOG_DIR, `${path.basename(path.dirname(path.dirname(s.entry)))}.log`),
        [...s.stdout, ...s.stderr].join('\n'),
      );
    progress(`service logs in ${LOG_DIR}`);
  }
  const keys = db && !CONTINUAL ? (await db.frames().catch(() => [])).map((f) => f.objectKey) : [];
  if (builtName) for await (const object of store.list(`models/${builtName}/`)) keys.push(object.key);
  for (const key of keys) await store.delete(key).catch(() => undefined);
  await db?.drop().catch(() => undefined);
  if (CONTINUAL) await removeRunBucket().catch((error: unknown) => progress(`could not remove the run's bucket: ${String(error)}`));
  await rm(resources.tmp, { recursive: true, force: true });
  stopLocalInfra(localInfra, progress);
}

async function main(): Promise<void> {
  progress(`command: ${exactCommand('bench:pipeline')}`);
  if (CONTINUAL && FIXED_RATE !== undefined)
    throw new Error('--continual measures latency, which BENCH_RATE (one diagnosis step) skips: use one or the other');
  const localInfra = useLocalInfra(progress);
  // --continual: a bucket of the run's own, for the data sets continual-fine-tune stores (continual-bench.support.ts).
  if (CONTINUAL) progress(`the run's own bucket: ${useRunBucket(run)}`);
  const resources: BenchResources = {
    tmp: await mkdtemp(path.join(os.tmpdir(), 'argus-bench-')),
    store: new MinioObjectStore(s3ConfigFromEnv(process.env)),
    services: [],
  };
  let summary: string | undefined = '';
  try {
    summary = await runBench(resources);
  } finally {
    await cleanUp(resources, localInfra);
  }
  // BENCH_RATE's diagnosis ends with its own lines, no summary.
  if (summary !== undefined) console.log(summary);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:pipeline failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
