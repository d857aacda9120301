// `bench:pipeline --continual`: after the usual latency run, the same line also gets what issue #18's
// loop puts on a production machine — a candidate in shadow (detection-inference scores a sample of
// the line's frames with it too) and a training job that trains throughout the next latency run
// (continual-fine-tune as a process, its trainer worker on) — and the latency is measured again at
// the same rate, in the same run, so the two p99s compare on the same machine state.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { Topics, type TrainingJobProgressV1, type TrainingJobRequestedV1 } from '@argus/contracts';
import { ModelRegistryRepository, ShadowModelRepository } from '@argus/persistence';
import type { ConsumerGroupAdmin } from '../support/consumer-group.admin';
import type { PipelineDatabase } from '../support/pipeline-database.fixture';
import type { ServiceProcess } from '../support/service-process.harness';
import { pollUntil } from '../support/wait-for.poller';
import {
  type BenchReview,
  describeProgress,
  describeShadowCounts,
  jobIdOf,
  ReviewPublisher,
  type ShadowCounts,
  shadowCountsBetween,
  startContinualFineTune,
  TrainingJobWatcher,
} from './continual-bench.support';

export interface ContinualLoadOptions {
  readonly run: string;
  readonly lineId: string;
  readonly db: PipelineDatabase;
  readonly tmp: string;
  readonly groupAdmin: ConsumerGroupAdmin;
  /** The run's services: continual-fine-tune is added, so the bench's clean-up stops it too. */
  readonly services: ServiceProcess[];
  /** Confirmed alerts published as reviews; the trigger is set to fire on the last of them. */
  readonly reviews: number;
  /** The job's epochs: enough that it still trains when the latency run ends. */
  readonly epochs: number;
  /** How long the job may take to reach its training phase (it loads the base model's replay data first). */
  readonly startTimeoutMs: number;
  readonly stallMs: number;
  readonly progress: (line: string) => void;
}

/** What the bench reports of the continual load over the measured window. */
export interface ContinualLoadReport {
  readonly shadowVersion: string;
  readonly shadow: ShadowCounts | undefined;
  readonly job: TrainingJobRequestedV1;
  /** Progress events that arrived during the window, and the last one. */
  readonly progressInWindow: number;
  readonly latest: TrainingJobProgressV1 | undefined;
  /** The job was in its training phase from the window's start to its end, and had not ended. */
  readonly trainedThroughout: boolean;
  readonly why: string;
  readonly trainer: ServiceProcess;
}

export class ContinualLoad {
  private constructor(
    private readonly options: ContinualLoadOptions,
    private readonly watcher: TrainingJobWatcher,
    private readonly publisher: ReviewPublisher,
    private readonly trainer: ServiceProcess,
    private readonly shadowVersion: string,
    readonly job: TrainingJobRequestedV1,
  ) {}

  /**
   * Puts a shadow on the line, starts continual-fine-tune, publishes the reviews that fire its
   * new-labels trigger, and waits until the job it asks for is training.
   */
  static async start(o: ContinualLoadOptions): Promise<ContinualLoad> {
    const watcher = await TrainingJobWatcher.start(o.run);
    const publisher = new ReviewPublisher(`bench-reviews-${o.run}`);
    try {
      const shadowVersion = await ContinualLoad.shadowOnLine(o, publisher);
      o.progress(`continual: starting continual-fine-tune (trainer worker on, ${o.epochs} epochs a job, a job every ${o.reviews} labels)…`);
      const trainer = await startContinualFineTune({
        run: o.run,
        databaseUrl: o.db.url,
        workDir: path.join(o.tmp, 'finetune'),
        groupAdmin: o.groupAdmin,
        env: {
          ARGUS_EVENT_LOOP_STALL_MS: String(o.stallMs),
          ARGUS_FINETUNE_EPOCHS: String(o.epochs),
          ARGUS_FINETUNE_MIN_NEW_LABELS: String(o.reviews),
          // The bench's reviews alone decide when the job is asked for.
          ARGUS_FINETUNE_SCHEDULE_HOURS: '0',
        },
      });
      o.services.push(trainer);
      await ContinualLoad.publishReviews(o, publisher);
      const job = await pollUntil(
        `the training job of ${o.lineId}`,
        async () => {
          const jobId = await jobIdOf(o.db, o.lineId);
          return jobId === undefined ? undefined : watcher.requestOf(jobId);
        },
        { timeoutMs: 120_000, intervalMs: 500 },
        () => trainer.describe(),
      );
      o.progress(
        `continual: job ${job.jobId} requested (${job.triggers.map((t) => t.reason).join('; ')}); waiting for its training phase…`,
      );
      await pollUntil(
        `job ${job.jobId} to train`,
        () => {
          const outcome = watcher.outcomeOf(job.jobId);
          if (outcome)
            throw new Error(
              `job ${job.jobId} ended before the window (${outcome.kind}): ${outcome.kind === 'failed' ? outcome.event.reason : `gates ${outcome.event.gatesPassed ? 'passed' : 'failed'}`}`,
            );
          return watcher.latestProgress(job.jobId)?.phase === 'training' ? true : undefined;
        },
        { timeoutMs: o.startTimeoutMs, intervalMs: 1_000 },
        () => describeProgress(watcher.latestProgress(job.jobId)),
      );
      o.progress(`continual: training — ${describeProgress(watcher.latestProgress(job.jobId))}`);
      return new ContinualLoad(o, watcher, publisher, trainer, shadowVersion, job);
    } catch (error) {
      await Promise.allSettled([watcher.stop(), publisher.stop()]);
      throw error;
    }
  }

  /**
   * A copy of the line's production model registered as a candidate that passed its gates (same
   * package, its own version), made the line's shadow and announced on `model.version.shadowed.v1`
   * with the repositories and event continual-fine-tune's StartShadowUseCase uses. The same
   * network as production: the shadow costs what a real candidate of this line would.
   */
  private static async shadowOnLine(o: ContinualLoadOptions, publisher: ReviewPublisher): Promise<string> {
    const registry = new ModelRegistryRepository(o.db.database);
    const production = await registry.productionModelFor(o.lineId);
    if (!production) throw new Error(`${o.lineId} has no production model to shadow`);
    const v = production.modelVersion;
    const copy = await registry.register({
      name: v.name,
      version: `${v.version}-bench-shadow`,
      artifactKey: v.artifactKey,
      classes: v.classes,
      spec: v.spec,
      metrics: { ...v.metrics, gatesPassed: 1 },
      usesTemplate: v.usesTemplate,
      parentVersionId: v.id,
      trainingDataFingerprint: v.trainingDataFingerprint,
      backend: v.backend,
    });
    const reason = 'bench:pipeline --continual: a candidate shadows the line while a job trains';
    const change = await new ShadowModelRepository(o.db.database).setShadow({
      lineId: o.lineId,
      modelVersionId: copy.version.id,
      setBy: 'bench-pipeline',
      reason,
    });
    await publisher.messageBus.publish(Topics.modelShadowed, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      lineId: o.lineId,
      modelVersionId: copy.version.id,
      previousShadowVersionId: change.previousModelVersionId,
      setBy: 'bench-pipeline',
      reason,
    });
    const label = `${v.name} ${copy.version.version}`;
    o.progress(`continual: ${label} (a copy of production ${v.name} ${v.version}) shadows ${o.lineId}`);
    return label;
  }

  /** The line's latest alerts confirmed, one review per frame, as an operator would in the console. */
  private static async publishReviews(o: ContinualLoadOptions, publisher: ReviewPublisher): Promise<void> {
    const rows = (await o.db.query(
      `SELECT DISTINCT ON (a.frame_id) a.id, a.frame_id, a.camera_id, a.detections, f.object_key,
              COALESCE(f.template_key, (SELECT object_key FROM line_template t WHERE t.line_id = a.line_id)) AS template_key
         FROM alert a JOIN frame f ON f.id = a.frame_id
        WHERE a.line_id = $1
        ORDER BY a.frame_id, a.created_at DESC
        LIMIT $2`,
      [o.lineId, o.reviews],
    )) as {
      id: string;
      frame_id: string;
      camera_id: string;
      detections: BenchReview['boxes'];
      object_key: string;
      template_key: string | null;
    }[];
    if (rows.length < o.reviews)
      throw new Error(
        `only ${rows.length} frames of ${o.lineId} raised an alert so far, ${o.reviews} reviews are needed (BENCH_CONTINUAL_REVIEWS)`,
      );
    for (const row of rows)
      await publisher.publish({
        alertId: row.id,
        frameId: row.frame_id,
        lineId: o.lineId,
        cameraId: row.camera_id,
        decision: 'confirmed',
        boxes: row.detections,
        objectKey: row.object_key,
        templateKey: row.template_key,
      });
    o.progress(`continual: ${rows.length} alerts confirmed as reviews on ${Topics.reviewSubmitted.name}`);
  }

  /** The shadow's counts and the job's state over a window that ran from `fromMs` to `toMs`. */
  report(fromMs: number, toMs: number, statsIntervalMs: number, inference: ServiceProcess): ContinualLoadReport {
    const progress = this.watcher.progressOf(this.job.jobId);
    const inWindow = progress.filter((p) => {
      const at = this.watcher.seenAt(p);
      return at >= fromMs && at <= toMs;
    });
    const before = progress.filter((p) => this.watcher.seenAt(p) < fromMs).at(-1);
    const outcome = this.watcher.outcomeOf(this.job.jobId);
    const after = progress.filter((p) => this.watcher.seenAt(p) > toMs);
    const phases = [before, ...inWindow, ...after.slice(0, 1)].filter((p): p is TrainingJobProgressV1 => p !== undefined);
    let why = 'training from before the window until after it';
    if (!before) why = 'no progress event before the window';
    else if (after.length === 0)
      why = outcome ? `the job ended (${outcome.kind}) before the window's end` : 'no progress event after the window';
    else if (phases.some((p) => p.phase !== 'training')) why = `phases seen: ${[...new Set(phases.map((p) => p.phase))].join(', ')}`;
    const trainedThroughout = why === 'training from before the window until after it';
    return {
      shadowVersion: this.shadowVersion,
      shadow: shadowCountsBetween(inference, fromMs, toMs, statsIntervalMs),
      job: this.job,
      progressInWindow: inWindow.length,
      latest: progress.at(-1),
      trainedThroughout,
      why,
      trainer: this.trainer,
    };
  }

  /** Waits until a progress event arrived after `afterMs` (the job still trains past the window), within `timeoutMs`. */
  async progressAfter(afterMs: number, timeoutMs: number): Promise<void> {
    await pollUntil(
      'a progress event after the window',
      () =>
        this.watcher.progressOf(this.job.jobId).some((p) => this.watcher.seenAt(p) > afterMs) || this.watcher.outcomeOf(this.job.jobId)
          ? true
          : undefined,
      { timeoutMs, intervalMs: 250 },
    ).catch(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.watcher.stop(), this.publisher.stop()]);
  }
}

export function describeContinualLoad(r: ContinualLoadReport): string[] {
  return [
    `shadow:       ${r.shadowVersion} during the window: ${describeShadowCounts(r.shadow)}`,
    `job:          ${r.job.jobId} (${r.job.epochs} epochs, base ${r.job.baseModelVersionId.slice(0, 8)}); ${r.progressInWindow} progress events in the window; ` +
      `${r.trainedThroughout ? 'trained throughout the window' : `NOT training throughout the window: ${r.why}`}; latest: ${describeProgress(r.latest)}`,
  ];
}
