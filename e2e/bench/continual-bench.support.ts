// What `bench:pipeline --continual` and `bench:loop` share: continual-fine-tune as a process (its
// trainer worker on), the training job's events on Kafka, operators' reviews published as the
// console publishes them, detection-inference's shadow counts from its load lines, and the exact
// command a run was started with.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  type LabelledBox,
  type ReviewSubmittedV1,
  type TrainingJobCompletedV1,
  type TrainingJobFailedV1,
  type TrainingJobProgressV1,
  type TrainingJobRequestedV1,
  type ModelRegisteredV1,
  Topics,
} from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { Client } from 'minio';
import type { ConsumerGroupAdmin } from '../support/consumer-group.admin';
import type { PipelineDatabase } from '../support/pipeline-database.fixture';
import { freePort } from '../support/network.probe';
import { ServiceProcess } from '../support/service-process.harness';
import { TopicRecorder } from '../support/topic.recorder';

const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The exact command of this run: the variables that change a bench's behaviour, then npm's script and its arguments. */
export function exactCommand(
  script: string,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): string {
  const vars = Object.entries(env)
    .filter(([name]) => /^(BENCH_|ARGUS_INFER_|ARGUS_FINETUNE_|ARGUS_SERVICE_NODE_FLAGS$|ARGUS_EVENT_LOOP_STALL_MS$)/.test(name))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${shellQuote(value ?? '')}`);
  const args = argv.map(shellQuote);
  return [...vars, 'npm', 'run', script, ...(args.length > 0 ? ['--', ...args] : [])].join(' ');
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `--name value` or `--name=value` from the command line; `fallback` when absent. */
export function argValue(name: string, fallback?: string, argv: readonly string[] = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === `--${name}`) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
      return value;
    }
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return fallback;
}

/** A whole number from `--name`, at least `min`; a clear error otherwise. */
export function wholeArg(name: string, fallback: number, min: number): number {
  const text = argValue(name, String(fallback)) as string;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${text}"`);
  return value;
}

/** Every `--flag` given; unknown ones are refused, so a typo does not silently run the other bench. */
export function checkArgs(
  known: { readonly flags: readonly string[]; readonly values: readonly string[] },
  argv: readonly string[] = process.argv.slice(2),
): Set<string> {
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const name = arg.replace(/^--/, '').replace(/=.*$/, '');
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    if (known.values.includes(name)) {
      if (!arg.includes('=')) i++;
      continue;
    }
    if (!known.flags.includes(name)) {
      const all = [...known.flags, ...known.values].map((n) => `--${n}`).join(', ');
      throw new Error(`unknown option ${arg} (known: ${all || 'none'})`);
    }
    flags.add(name);
  }
  return flags;
}

/**
 * continual-fine-tune as a process on the run's database, its consumer groups the run's own and
 * moved to the topics' ends first (the topics hold other runs' reviews and jobs, which name frames
 * and jobs of other databases), ready when it answers /health/ready.
 */
export async function startContinualFineTune(options: {
  readonly run: string;
  readonly databaseUrl: string;
  readonly workDir: string;
  readonly groupAdmin: ConsumerGroupAdmin;
  readonly env: Readonly<Record<string, string>>;
}): Promise<ServiceProcess> {
  const ids = continualGroupIds(options.run);
  const groups = {
    ARGUS_FINETUNE_LABELS_GROUP_ID: { id: ids.labels, topic: Topics.reviewSubmitted },
    ARGUS_FINETUNE_TRAINERS_GROUP_ID: { id: ids.trainers, topic: Topics.trainingJobRequested },
    ARGUS_FINETUNE_TRIGGERS_GROUP_ID: { id: ids.triggers, topic: Topics.trainingTriggerRequested },
  };
  for (const { id, topic } of Object.values(groups)) await options.groupAdmin.skipToLatestWhenIdle(id, topic, 30_000);
  const service = ServiceProcess.start({
    entry: 'services/continual-fine-tune/src/main.ts',
    port: await freePort(),
    env: {
      LOG_LEVEL: 'warn',
      ARGUS_DATABASE_URL: options.databaseUrl,
      ARGUS_FINETUNE_WORKER: 'on',
      ARGUS_FINETUNE_WORKER_ID: `bench-trainer-${options.run}`,
      ARGUS_FINETUNE_WORK_DIR: options.workDir,
      ...Object.fromEntries(Object.entries(groups).map(([name, g]) => [name, g.id])),
      ...options.env,
    },
  });
  await service.waitForStatus('/health/ready', 200, 120_000);
  return service;
}

/** The run's continual-fine-tune consumer groups (reviews → labels and triggers; jobs; manual triggers). */
export function continualGroupIds(run: string): { readonly labels: string; readonly trainers: string; readonly triggers: string } {
  return { labels: `bench-labels-${run}`, trainers: `bench-trainers-${run}`, triggers: `bench-triggers-${run}` };
}

/** The id of the line's first training job in the run's database (recorded before it is announced), if any. */
export async function jobIdOf(db: PipelineDatabase, lineId: string): Promise<string | undefined> {
  const rows = (await db.query(`SELECT id FROM training_job WHERE line_id = $1 ORDER BY created_at LIMIT 1`, [lineId])) as { id: string }[];
  return rows[0]?.id;
}

/** A service process's name (its folder under services/). */
export function serviceName(service: ServiceProcess): string {
  return path.basename(path.dirname(path.dirname(service.entry)));
}

/**
 * The training jobs' events and the registrations, recorded from now on (fresh consumer groups at
 * the topics' ends). Topics are shared by every run on the cluster, and other runs fine-tune a
 * `pcb-1` too: a job is matched by its id, read from the run's own database (`jobIdOf`), never by
 * its line.
 */
export class TrainingJobWatcher {
  private constructor(
    private readonly requested: TopicRecorder<TrainingJobRequestedV1>,
    private readonly progress: TopicRecorder<TrainingJobProgressV1>,
    private readonly completed: TopicRecorder<TrainingJobCompletedV1>,
    private readonly failed: TopicRecorder<TrainingJobFailedV1>,
    private readonly registered: TopicRecorder<ModelRegisteredV1>,
    /** When each progress event arrived here (the bench's clock). */
    private readonly progressSeenAt: Map<TrainingJobProgressV1, number>,
  ) {}

  static async start(run: string): Promise<TrainingJobWatcher> {
    const group = (what: string) => `bench-watch-${what}-${run}`;
    // One after the other: on a fresh cluster each creates its topic (and dead-letter twin), and
    // kafkajs' wait for a new topic's leader fails on an unknown topic instead of retrying.
    const requested = await TopicRecorder.start(Topics.trainingJobRequested, group('requested'));
    const progress = await TopicRecorder.start(Topics.trainingJobProgress, group('progress'));
    const completed = await TopicRecorder.start(Topics.trainingJobCompleted, group('completed'));
    const failed = await TopicRecorder.start(Topics.trainingJobFailed, group('failed'));
    const registered = await TopicRecorder.start(Topics.modelRegistered, group('registered'));
    const seenAt = new Map<TrainingJobProgressV1, number>();
    const push = progress.events.push.bind(progress.events);
    progress.events.push = (...events: TrainingJobProgressV1[]) => {
      for (const e of events) seenAt.set(e, Date.now());
      return push(...events);
    };
    return new TrainingJobWatcher(requested, progress, completed, failed, registered, seenAt);
  }

  /** The job's request, once it was announced. */
  requestOf(jobId: string): TrainingJobRequestedV1 | undefined {
    return this.requested.events.find((e) => e.jobId === jobId);
  }

  /** The job's progress events, in the order they arrived. */
  progressOf(jobId: string): TrainingJobProgressV1[] {
    return this.progress.events.filter((e) => e.jobId === jobId);
  }

  /** When a progress event arrived here. */
  seenAt(event: TrainingJobProgressV1): number {
    return this.progressSeenAt.get(event) ?? Number.NaN;
  }

  latestProgress(jobId: string): TrainingJobProgressV1 | undefined {
    return this.progressOf(jobId).at(-1);
  }

  /** The job's outcome once it ended (a repeat of it, after a redelivery, is the same outcome). */
  outcomeOf(
    jobId: string,
  ):
    | { readonly kind: 'completed'; readonly event: TrainingJobCompletedV1 }
    | { readonly kind: 'failed'; readonly event: TrainingJobFailedV1 }
    | undefined {
    const completed = this.completed.events.find((e) => e.jobId === jobId);
    if (completed) return { kind: 'completed', event: completed };
    const failed = this.failed.events.find((e) => e.jobId === jobId);
    return failed ? { kind: 'failed', event: failed } : undefined;
  }

  registrationOf(modelVersionId: string): ModelRegisteredV1 | undefined {
    return this.registered.events.find((e) => e.modelVersionId === modelVersionId);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.requested, this.progress, this.completed, this.failed, this.registered].map((r) => r.stop()));
  }
}

/** One progress event as a line: phase, step, epoch, losses, validation AP, ETA. */
export function describeProgress(p: TrainingJobProgressV1 | undefined): string {
  if (!p) return 'no progress event yet';
  const loss = p.losses['total'];
  return [
    `${p.phase} step ${p.step}/${p.totalSteps}`,
    p.message ?? undefined,
    loss === undefined ? undefined : `loss ${loss.toFixed(3)}`,
    p.validationAp === null ? undefined : `validation AP ${p.validationAp.toFixed(3)}`,
    p.etaSeconds === null ? undefined : `ETA ${minutesSeconds(p.etaSeconds)}`,
    `attempt ${p.attempt}`,
  ]
    .filter((s): s is string => s !== undefined)
    .join(', ');
}

export function minutesSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A review as the console publishes it on `inspection.review.submitted.v1` (the console's submit-review use case). */
export interface BenchReview {
  readonly alertId: string;
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly decision: ReviewSubmittedV1['decision'];
  readonly boxes: readonly LabelledBox[];
  readonly objectKey: string;
  readonly templateKey: string | null;
}

/** Publishes operators' reviews on Kafka, one event each, as the console does after recording them. */
export class ReviewPublisher {
  private readonly bus: KafkaMessageBusAdapter;
  private readonly reviewerId = randomUUID();

  constructor(clientId: string) {
    this.bus = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId }), logger: silent });
  }

  /** Publishes one review; answers its review id. */
  async publish(review: BenchReview): Promise<string> {
    const reviewId = randomUUID();
    await this.bus.publish(Topics.reviewSubmitted, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      reviewId,
      reviewerId: this.reviewerId,
      comment: null,
      ...review,
      boxes: review.boxes.map((b) => ({ className: b.className, box: { ...b.box } })),
    });
    return reviewId;
  }

  /** The bus itself, for other events the bench publishes as a service would (a shadow's announcement). */
  get messageBus(): KafkaMessageBusAdapter {
    return this.bus;
  }

  stop(): Promise<void> {
    return this.bus.stop();
  }
}

/** What detection-inference's shadow scored and skipped over a span (its load lines, `shadowOffered` …). */
export interface ShadowCounts {
  readonly offered: number;
  readonly scored: number;
  readonly stored: number;
  readonly failed: number;
  readonly skipped: Record<string, number>;
}

/**
 * Sums detection-inference's shadow lines (logged with its model-load lines every
 * ARGUS_INFER_STATS_INTERVAL_MS) whose whole span lies between two instants; undefined when none
 * did (no frame was offered to a shadow).
 */
export function shadowCountsBetween(
  inference: Pick<ServiceProcess, 'stdout'>,
  fromMs: number,
  toMs: number,
  intervalMs: number,
): ShadowCounts | undefined {
  const total = { offered: 0, scored: 0, stored: 0, failed: 0, skipped: {} as Record<string, number> };
  let lines = 0;
  for (const line of inference.stdout) {
    if (!line.includes('"shadowOffered"')) continue;
    let entry: {
      time?: string;
      shadowOffered?: number;
      shadowScored?: number;
      shadowStored?: number;
      shadowFailed?: number;
      shadowSkipped?: Record<string, number>;
    };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    const at = entry.time ? Date.parse(entry.time) : Number.NaN;
    if (!(at - intervalMs >= fromMs && at <= toMs)) continue;
    lines++;
    total.offered += entry.shadowOffered ?? 0;
    total.scored += entry.shadowScored ?? 0;
    total.stored += entry.shadowStored ?? 0;
    total.failed += entry.shadowFailed ?? 0;
    for (const [reason, n] of Object.entries(entry.shadowSkipped ?? {})) total.skipped[reason] = (total.skipped[reason] ?? 0) + n;
  }
  return lines === 0 ? undefined : total;
}

export function describeShadowCounts(counts: ShadowCounts | undefined): string {
  if (!counts) return 'no shadow line from detection-inference in the span (no frame was offered to a shadow)';
  const skipped = Object.entries(counts.skipped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`);
  return (
    `${counts.offered} frames offered, ${counts.scored} scored, ${counts.stored} stored, ${counts.failed} failed; ` +
    `skipped: ${skipped.length > 0 ? skipped.join(', ') : 'none'}`
  );
}

/**
 * Gives the run a bucket of its own (`ARGUS_S3_BUCKET`, inherited by the seed and every service it
 * starts), so that its clean-up can delete everything it stored and nothing another run shares
 * (a bench:loop job once failed on a data set manifest another run had deleted, when versions were
 * stored by line and number alone). Call it before anything reads the variable.
 */
export function useRunBucket(run: string): string {
  const bucket = `argus-bench-${run}`;
  process.env['ARGUS_S3_BUCKET'] = bucket;
  return bucket;
}

/** Deletes everything in the run's own bucket (`useRunBucket`), then the bucket. */
export async function removeRunBucket(): Promise<void> {
  const config = s3ConfigFromEnv(process.env);
  if (!config.bucket.startsWith('argus-bench-')) throw new Error(`BUG: ${config.bucket} is not a run's own bucket`);
  const client = new Client({
    endPoint: config.endPoint,
    port: config.port,
    useSSL: config.useSSL,
    accessKey: config.accessKey,
    secretKey: config.secretKey.reveal(),
    region: config.region,
    pathStyle: true,
  });
  if (!(await client.bucketExists(config.bucket))) return;
  const store = new MinioObjectStore(config);
  const keys: string[] = [];
  for await (const object of store.list('')) keys.push(object.key);
  for (const key of keys) await store.delete(key);
  await client.removeBucket(config.bucket);
}
