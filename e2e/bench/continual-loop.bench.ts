// `npm run bench:loop -- --data <DeepPCB root>`: issue #18's second measured target — from the last
// operator review that crosses a line's fine-tune trigger to a registered, gated candidate, for the
// DeepPCB model, on this machine, with the pipeline running. Not a test: a measurement.
//   1. infra/local (used if running, else started and stopped at the end); a throw-away database
//      with the demo plant (pcb-1, camera aoi-1);
//   2. the services as processes: camera-ingest replaying the DeepPCB pairs under --data on pcb-1
//      (each image with its own template, in a loop, --fps), detection-inference serving the
//      DeepPCB model (--model, default models/deeppcb) as pcb-1's production model, and
//      continual-fine-tune with its trainer worker on and the service's production settings
//      (epochs, holdout, gates, the new-labels trigger: whatever its defaults or ARGUS_FINETUNE_*
//      say; its weekly schedule counts from the line's promotion, so the run's job comes from its reviews);
//   3. an operator: each alert of pcb-1 is corrected to DeepPCB's ground truth for that image and
//      published on `inspection.review.submitted.v1` as the console does, one at a time, each
//      waited for until continual-fine-tune labelled it, until a job is asked for: that last
//      review crossed the trigger;
//   4. the job's progress (phase, epoch, losses, ETA) every 30 s while it runs, then the time from
//      that last review to `model.version.registered.v1` (gates passed), or to
//      `training.job.completed.v1` (gates failed: the candidate is registered, not announced), or
//      to `training.job.failed.v1` with its reason.
// Prints a table and, last: loop review_to_candidate_s=<n> gates=<passed|failed|none> epochs=<n> frames=<n>
// (frames: the labelled frames of the job's data set version, training and holdout).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { type LabelledBox, Topics } from '@argus/contracts';
import { loadDeepPcb } from '@argus/vision';
import { ConsumerGroupAdmin } from '../support/consumer-group.admin';
import { stopLocalInfra, useLocalInfra } from '../support/local-infra';
import { freePort } from '../support/network.probe';
import { PipelineDatabase } from '../support/pipeline-database.fixture';
import { REPO_ROOT, ServiceProcess } from '../support/service-process.harness';
import { pollUntil } from '../support/wait-for.poller';
import {
  argValue,
  checkArgs,
  continualGroupIds,
  describeProgress,
  describeShadowCounts,
  exactCommand,
  jobIdOf,
  minutesSeconds,
  removeRunBucket,
  ReviewPublisher,
  serviceName,
  shadowCountsBetween,
  startContinualFineTune,
  TrainingJobWatcher,
  useRunBucket,
  wholeArg,
} from './continual-bench.support';

const run = randomBytes(3).toString('hex');
const LINE = 'pcb-1';
const CAMERA = 'aoi-1';
const GROUP = `detection-inference-loop-${run}`;
const STATS_INTERVAL_MS = 5_000;
const STALL_MS = Number(process.env['ARGUS_EVENT_LOOP_STALL_MS'] ?? 200);

checkArgs({ flags: [], values: ['data', 'model', 'fps', 'timeout-min', 'log-dir'] });
const DATA = argValue('data');
const MODEL_DIR = path.resolve(REPO_ROOT, argValue('model', 'models/deeppcb') as string);
/** The replayed camera's frames per second: the pipeline keeps running through the whole job. */
const FPS = Number(argValue('fps', '4'));
/** The whole run gives up after this long (setup, reviews, the job). */
const TIMEOUT_MIN = wholeArg('timeout-min', 90, 1);
/** Each service's output is written there at the end (`<service>.log`). */
const LOG_DIR = argValue('log-dir');

const progress = (line: string) => process.stdout.write(`[loop] ${line}\n`);

/** What the run creates, for the clean-up to remove whatever step failed. */
interface LoopResources {
  readonly tmp: string;
  readonly services: ServiceProcess[];
  db?: PipelineDatabase;
  watcher?: TrainingJobWatcher;
  publisher?: ReviewPublisher;
}

function checkOptions(): string {
  if (!DATA) throw new Error('bench:loop needs --data <DeepPCB root> (groupNNNNN/ folders), e.g. --data ../shared/datasets/deeppcb');
  const data = path.resolve(REPO_ROOT, DATA);
  if (!existsSync(data) || !statSync(data).isDirectory()) throw new Error(`--data ${DATA}: no such folder (${data})`);
  if (!existsSync(path.join(MODEL_DIR, 'metadata.json'))) throw new Error(`--model ${MODEL_DIR}: no model package (metadata.json) there`);
  if (!(FPS > 0 && FPS <= 100)) throw new Error(`--fps must be a number in (0, 100], got ${argValue('fps')}`);
  return data;
}

/** DeepPCB's ground truth by the image's content hash (what the frame row records), and how many pairs. */
async function groundTruth(data: string): Promise<Map<string, LabelledBox[]>> {
  progress(`reading DeepPCB's ground truth under ${data}…`);
  const dataset = await loadDeepPcb(data, { listFile: false });
  const byHash = new Map<string, LabelledBox[]>();
  for (const sample of dataset.samples) {
    if (sample.image.kind !== 'file') continue;
    const sha256 = createHash('sha256')
      .update(await readFile(sample.image.path))
      .digest('hex');
    byHash.set(
      sha256,
      sample.boxes.map((b) => ({ className: b.className, box: { ...b.box } })),
    );
  }
  progress(`${byHash.size} DeepPCB pairs with ground truth`);
  return byHash;
}

/** The three services as processes on the run's database; ready, and pcb-1 served by the DeepPCB model. */
async function startServices(
  resources: LoopResources,
  db: PipelineDatabase,
  data: string,
): Promise<{ inference: ServiceProcess; groupAdmin: ConsumerGroupAdmin }> {
  const { tmp } = resources;
  const modelsDir = path.join(tmp, 'models');
  const modelName = (JSON.parse(await readFile(path.join(MODEL_DIR, 'metadata.json'), 'utf8')) as { name: string; version: string }).name;
  await cp(MODEL_DIR, path.join(modelsDir, path.basename(MODEL_DIR)), { recursive: true });
  const sources = path.join(tmp, 'sources.json');
  await writeFile(
    sources,
    JSON.stringify({ sources: [{ kind: 'replay', lineId: LINE, cameraId: CAMERA, path: data, fps: FPS, loop: true }] }),
  );
  const groupAdmin = new ConsumerGroupAdmin((process.env['ARGUS_KAFKA_BROKERS'] ?? '').split(','), `loop-admin-${run}`);
  await groupAdmin.skipToLatestWhenIdle(GROUP, Topics.frameIngested, 30_000);

  progress("starting continual-fine-tune (trainer worker on, the service's defaults)…");
  const trainer = await startContinualFineTune({
    run,
    databaseUrl: db.url,
    workDir: path.join(tmp, 'finetune'),
    groupAdmin,
    env: { ARGUS_EVENT_LOOP_STALL_MS: String(STALL_MS), LOG_LEVEL: 'info' },
  });
  resources.services.push(trainer);
  const start = async (entry: string, env: Record<string, string>) => {
    const s = ServiceProcess.start({
      entry,
      port: await freePort(),
      env: { LOG_LEVEL: 'warn', ARGUS_EVENT_LOOP_STALL_MS: String(STALL_MS), ARGUS_DATABASE_URL: db.url, ...env },
    });
    resources.services.push(s);
    return s;
  };
  // The line names its model, so any --model serves it (the shipped-model registrar otherwise picks by feed name).
  const line = await db.lines().findLine(LINE);
  if (!line) throw new Error(`the seed made no ${LINE}`);
  await db.lines().upsertLine({ id: LINE, name: line.name, settings: { ...line.settings, modelName } });
  progress(`starting detection-inference (${modelName} from ${path.relative(REPO_ROOT, MODEL_DIR) || MODEL_DIR})…`);
  const inference = await start('services/detection-inference/src/main.ts', {
    ARGUS_MODELS_DIR: modelsDir,
    ARGUS_MODEL_CACHE_DIR: path.join(tmp, 'cache'),
    ARGUS_INSTANCE_ID: `loop-${run}`,
    ARGUS_INFER_GROUP_ID: GROUP,
    LOG_LEVEL: 'info',
    ARGUS_INFER_STATS_INTERVAL_MS: String(STATS_INTERVAL_MS),
  });
  await inference.waitForStatus('/health/ready', 200, 180_000);
  const production = await pollUntil(
    `${LINE} to be served by ${modelName}`,
    async () => {
      const rows = (await db.query(
        `SELECT v.name, v.version FROM line_production_model p JOIN model_version v ON v.id = p.model_version_id WHERE p.line_id = $1`,
        [LINE],
      )) as { name: string; version: string }[];
      return rows[0];
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  if (production.name !== modelName) throw new Error(`${LINE} is served by ${production.name}, not ${modelName}`);
  progress(`starting camera-ingest: ${data} replayed on ${LINE}/${CAMERA} at ${FPS} frames/s, in a loop…`);
  const ingest = await start('services/camera-ingest/src/main.ts', {
    ARGUS_INGEST_SOURCES: sources,
    ARGUS_CAMERA_TOKEN: `loop-camera-token-${run}`,
  });
  await ingest.waitForStatus('/health/ready', 200, 120_000);
  return { inference, groupAdmin };
}

/**
 * The operator: pcb-1's alerts, oldest first, each corrected to the image's ground truth and
 * published, then waited for until continual-fine-tune has handled it (labelled, triggers
 * evaluated, a job recorded if one fired: its consumer commits only then); stops at the review
 * after which the line has a job. Answers when that last review was published and how many were.
 */
async function reviewUntilTriggered(
  db: PipelineDatabase,
  groupAdmin: ConsumerGroupAdmin,
  publisher: ReviewPublisher,
  truth: ReadonlyMap<string, LabelledBox[]>,
  deadline: number,
): Promise<{ lastReviewAt: number; reviews: number; jobId: string }> {
  const reviewed = new Set<string>();
  let reviews = 0;
  let lastPrinted = 0;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`no job after ${reviews} reviews before the run's timeout (--timeout-min)`);
    const alerts = (await db.query(
      `SELECT a.id, a.frame_id, a.camera_id, f.object_key, f.template_key, f.sha256
         FROM alert a JOIN frame f ON f.id = a.frame_id
        WHERE a.line_id = $1 ORDER BY a.created_at`,
      [LINE],
    )) as { id: string; frame_id: string; camera_id: string; object_key: string; template_key: string | null; sha256: string }[];
    const next = alerts.find((a) => !reviewed.has(a.frame_id) && truth.has(a.sha256));
    if (!next) {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    reviewed.add(next.frame_id);
    const boxes = truth.get(next.sha256) ?? [];
    const reviewId = await publisher.publish({
      alertId: next.id,
      frameId: next.frame_id,
      lineId: LINE,
      cameraId: next.camera_id,
      decision: boxes.length > 0 ? 'corrected' : 'rejected',
      boxes,
      objectKey: next.object_key,
      templateKey: next.template_key,
    });
    const publishedAt = Date.now();
    reviews++;
    // Labelled, then the triggers evaluated, then committed: only then does the job row (recorded
    // before it is announced) tell whether this review crossed the trigger.
    const ends = await groupAdmin.ends(Topics.reviewSubmitted.name);
    await pollUntil(
      `review ${reviews} to be labelled and handled`,
      async () =>
        (await db.query(`SELECT 1 FROM frame_label WHERE review_id = $1`, [reviewId])).length > 0 &&
        (await groupAdmin.committedPast(continualGroupIds(run).labels, Topics.reviewSubmitted.name, ends))
          ? true
          : undefined,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const jobId = await jobIdOf(db, LINE);
    if (jobId !== undefined) {
      progress(`review ${reviews} crossed the trigger: job ${jobId} recorded`);
      return { lastReviewAt: publishedAt, reviews, jobId };
    }
    if (Date.now() - lastPrinted > 10_000) {
      progress(`${reviews} reviews labelled, no job yet…`);
      lastPrinted = Date.now();
    }
  }
}

/** Frames processed so far on the line (the pipeline keeps running through the job). */
async function processedFrames(db: PipelineDatabase): Promise<number> {
  const rows = (await db.query(`SELECT count(*)::int AS n FROM frame WHERE line_id = $1 AND status = 'processed'`, [LINE])) as {
    n: number;
  }[];
  return rows[0]?.n ?? 0;
}

interface LoopResult {
  readonly line: string;
}

async function runLoop(resources: LoopResources): Promise<LoopResult> {
  const data = checkOptions();
  const deadline = Date.now() + TIMEOUT_MIN * 60_000;
  const truth = await groundTruth(data);
  if (truth.size === 0) throw new Error(`no DeepPCB pair with ground truth under ${data}`);
  const db = await PipelineDatabase.create('loop-bench');
  resources.db = db;
  await db.seedDemo();
  resources.watcher = await TrainingJobWatcher.start(run);
  resources.publisher = new ReviewPublisher(`loop-reviews-${run}`);
  const { inference, groupAdmin } = await startServices(resources, db, data);
  const watcher = resources.watcher;

  const { lastReviewAt, reviews, jobId } = await reviewUntilTriggered(db, groupAdmin, resources.publisher, truth, deadline);
  const framesAtTrigger = await processedFrames(db);
  const job = await pollUntil(`job ${jobId} on ${Topics.trainingJobRequested.name}`, () => watcher.requestOf(jobId), {
    timeoutMs: 180_000,
    intervalMs: 250,
  });
  const [version] = (await db.query(`SELECT number, counts FROM dataset_version WHERE id = $1`, [job.datasetVersionId])) as {
    number: number;
    counts: { frames: { train: number; holdout: number }; hardNegatives: { train: number; holdout: number } };
  }[];
  const counts = version
    ? `${version.counts.frames.train} training + ${version.counts.frames.holdout} holdout frames, ${version.counts.hardNegatives.train + version.counts.hardNegatives.holdout} hard negatives`
    : 'not found';
  progress(
    `job ${job.jobId}: ${job.epochs} epochs on data set version ${version?.number ?? '?'} (${counts}); triggers: ${job.triggers
      .map((t) => `${t.kind} (${t.reason})`)
      .join('; ')}`,
  );

  // Progress with ETA every 30 s until the job ends.
  let lastPrinted = 0;
  const outcome = await pollUntil(
    `job ${job.jobId} to end`,
    () => {
      const ended = watcher.outcomeOf(job.jobId);
      if (ended) return ended;
      if (Date.now() - lastPrinted >= 30_000) {
        lastPrinted = Date.now();
        progress(`+${minutesSeconds((Date.now() - lastReviewAt) / 1000)}: ${describeProgress(watcher.latestProgress(job.jobId))}`);
      }
      if (Date.now() > deadline) throw new Error(`the job did not end before the run's timeout (--timeout-min ${TIMEOUT_MIN})`);
      return undefined;
    },
    { timeoutMs: TIMEOUT_MIN * 60_000, intervalMs: 500 },
  );
  let endedAt = Date.parse(outcome.event.occurredAt);
  let gates: 'passed' | 'failed' | 'none' = 'none';
  let endedBy = `${Topics.trainingJobFailed.name} (${outcome.kind === 'failed' ? `${outcome.event.outcome}: ${outcome.event.reason}` : ''})`;
  if (outcome.kind === 'completed') {
    gates = outcome.event.gatesPassed ? 'passed' : 'failed';
    endedBy = `${Topics.trainingJobCompleted.name} (gates failed: registered, not announced): ${outcome.event.gateReasons.join('; ')}`;
    if (outcome.event.gatesPassed) {
      const candidate = outcome.event.candidateModelVersionId;
      const registered = await pollUntil(`${Topics.modelRegistered.name} of ${candidate}`, () => watcher.registrationOf(candidate), {
        timeoutMs: 60_000,
        intervalMs: 250,
      });
      endedAt = Math.min(endedAt, Date.parse(registered.occurredAt));
      endedBy = `${Topics.modelRegistered.name} (${registered.name} ${registered.version})`;
    }
  }
  const framesAtEnd = await processedFrames(db);
  const seconds = (endedAt - lastReviewAt) / 1000;
  const phases = phaseTimes(watcher.progressOf(job.jobId), lastReviewAt);
  const requestedAfter = (Date.parse(job.occurredAt) - lastReviewAt) / 1000;
  const frames = version ? version.counts.frames.train + version.counts.frames.holdout : Number.NaN;

  console.log('');
  const row = (cells: string[]) => `${(cells[0] as string).padEnd(34)} ${cells.slice(1).join('  ')}`;
  console.log(row(['from the last review to', 'after']));
  console.log(row(['job requested', `${requestedAfter.toFixed(1)} s`]));
  for (const [phase, at] of phases) console.log(row([`first progress in phase ${phase}`, `${at.toFixed(1)} s`]));
  console.log(row([endedBy.split(' ')[0] as string, `${seconds.toFixed(1)} s (${minutesSeconds(seconds)})`]));
  console.log('');
  console.log(
    `model:        ${path.relative(REPO_ROOT, MODEL_DIR) || MODEL_DIR}; data ${data}; ${reviews} reviews (corrected to DeepPCB's ground truth) crossed the trigger`,
  );
  console.log(`job:          ${job.jobId}, ${job.epochs} epochs, data set version ${version?.number ?? '?'} (${counts})`);
  console.log(`outcome:      ${endedBy}`);
  console.log(`last:         ${describeProgress(watcher.latestProgress(job.jobId))}`);
  console.log(
    `pipeline:     ${framesAtEnd - framesAtTrigger} frames processed during the job (${((framesAtEnd - framesAtTrigger) / Math.max(1, seconds)).toFixed(2)} frames/s; the camera replays at ${FPS})`,
  );
  console.log(`shadow:       ${describeShadowCounts(shadowCountsBetween(inference, lastReviewAt, Date.now(), STATS_INTERVAL_MS))}`);
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end (1, 5, 15 min; ${os.availableParallelism()} cores)`,
  );
  console.log(`command:      ${exactCommand('bench:loop')}`);
  return { line: `loop review_to_candidate_s=${seconds.toFixed(0)} gates=${gates} epochs=${job.epochs} frames=${frames}` };
}

/** When each phase's first progress event was sent, in seconds after the last review. */
function phaseTimes(events: ReturnType<TrainingJobWatcher['progressOf']>, from: number): [string, number][] {
  const out: [string, number][] = [];
  for (const e of events) if (!out.some(([phase]) => phase === e.phase)) out.push([e.phase, (Date.parse(e.occurredAt) - from) / 1000]);
  return out;
}

async function cleanUp(resources: LoopResources, localInfra: ReturnType<typeof useLocalInfra>): Promise<void> {
  progress('cleaning up…');
  await Promise.all(
    resources.services
      .filter((s) => s.running)
      .map(async (s) => {
        s.signal('SIGTERM');
        await s.waitForExit(30_000).catch(() => s.kill());
      }),
  );
  if (LOG_DIR) {
    await mkdir(LOG_DIR, { recursive: true });
    for (const s of resources.services) await writeFile(path.join(LOG_DIR, `${serviceName(s)}.log`), [...s.stdout, ...s.stderr].join('\n'));
    progress(`service logs in ${LOG_DIR}`);
  }
  await Promise.allSettled([resources.watcher?.stop(), resources.publisher?.stop()]);
  await resources.db?.drop().catch(() => undefined);
  await removeRunBucket().catch((error: unknown) => progress(`could not remove the run's bucket: ${String(error)}`));
  await rm(resources.tmp, { recursive: true, force: true });
  stopLocalInfra(localInfra, progress);
}

async function main(): Promise<void> {
  progress(`command: ${exactCommand('bench:loop')}`);
  const localInfra = useLocalInfra(progress);
  progress(`the run's own bucket: ${useRunBucket(run)}`);
  const resources: LoopResources = {
    tmp: await mkdtemp(path.join(os.tmpdir(), 'argus-loop-')),
    services: [],
  };
  // Ctrl-C (or a SIGTERM) during a long job still stops the services and deletes what the run stored.
  let cleaning: Promise<void> | undefined;
  const cleanOnce = () => (cleaning ??= cleanUp(resources, localInfra));
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      progress(`${signal}: stopping`);
      void cleanOnce().finally(() => process.exit(130));
    });
  let result: LoopResult | undefined;
  try {
    result = await runLoop(resources);
  } finally {
    await cleanOnce();
  }
  console.log(result.line);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench:loop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
