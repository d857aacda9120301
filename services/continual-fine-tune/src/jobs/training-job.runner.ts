import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { REPEAT_HEADERS, Topics, type TrainingJobRequestedV1 } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import type { Logger } from '@argus/platform';
import { TrainingInterruptedError } from '../continual.errors';
import type {
  CandidateGate,
  CandidateRegistrar,
  CandidateTrainer,
  FinishedJob,
  JobProgress,
  RunFolderStore,
  TrainingJobLedger,
} from './training-job.ports';

export interface TrainingJobRunnerSettings {
  /** Who runs the jobs: host and process, shown on the jobs page. */
  readonly workerId: string;
  /** Local folder under which each job gets its run folder (removed when the job ends). */
  readonly workRoot: string;
  /** A progress event at least this often while a job runs (the contract promises ≤ 10 s). */
  readonly progressIntervalMs: number;
  /** How often the ledger is asked whether the running job was cancelled. */
  readonly cancelPollMs: number;
  /**
   * On this attempt (the ledger's count of deliveries) a failure to gate or register the candidate
   * ends the job as failed, with the reason, instead of being retried: a failure that outlasts the
   * bus's retries is the job's, and a job must end rather than stay running for ever. Default 5.
   */
  readonly maxAttempts?: number;
}

type RunnerLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** As many as the trainer consumer's in-place retries (training-job-requested.consumer.ts). */
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface TrainingJobRunnerDependencies {
  readonly ledger: TrainingJobLedger;
  readonly runFolders: RunFolderStore;
  readonly trainer: CandidateTrainer;
  readonly gate: CandidateGate;
  readonly registrar: CandidateRegistrar;
  /** Makes a candidate that passed its gates its line's shadow (StartShadowUseCase); none: candidates are only registered. */
  readonly shadow?: {
    execute(job: TrainingJobRequestedV1, candidateVersionId: string, options: { repeat: boolean }): Promise<unknown>;
  };
  readonly bus: MessageBus;
  readonly logger: RunnerLogger;
  readonly now?: () => number;
}

/**
 * Runs one `training.job.requested.v1` on this worker: claim it in the ledger, resume its run
 * folder from the object store, fine-tune with progress events and checkpoints, gate, register,
 * and announce the outcome. A redelivered job resumes from its last saved checkpoint; a job that
 * already ended only has its outcome announced again (marked as a repeat), so one job yields one
 * candidate however often it is delivered.
 *
 * Failures of the job itself (bad data, a training error, failed gates) are its outcome: recorded
 * and announced as `training.job.failed.v1` / `completed` with the reason. Failures of the
 * infrastructure around it (the ledger, the object store, the bus) are thrown, so the bus retries
 * the delivery and the job resumes rather than ends.
 */
export class TrainingJobRunner {
  private readonly now: () => number;

  constructor(
    private readonly deps: TrainingJobRunnerDependencies,
    private readonly settings: TrainingJobRunnerSettings,
  ) {
    if (!(settings.progressIntervalMs > 0 && settings.progressIntervalMs <= 10_000)) {
      throw new RangeError(`progressIntervalMs must be in (0, 10000], got ${settings.progressIntervalMs}`);
    }
    this.now = deps.now ?? Date.now;
  }

  async handle(job: TrainingJobRequestedV1): Promise<void> {
    const { ledger, logger } = this.deps;
    const claim = await ledger.claim(job.jobId, this.settings.workerId);
    if (claim.kind === 'finished') {
      logger.info(
        { jobId: job.jobId, status: claim.outcome.status },
        'training job delivered again after it ended: announcing its outcome again',
      );
      await this.announce(job, claim.outcome, true);
      return;
    }
    if (claim.kind === 'cancelled') {
      const outcome: FinishedJob = {
        status: 'cancelled',
        errorCode: 'job.cancelled',
        reason: 'cancelled before it started',
        attempt: claim.attempt,
      };
      await ledger.fail(job.jobId, outcome);
      await this.announce(job, outcome, false);
      return;
    }
    const started = this.now();
    const runDir = path.join(this.settings.workRoot, job.jobId);
    await mkdir(runDir, { recursive: true });
    const restored = await this.deps.runFolders.restore(job.jobId, runDir);
    logger.info(
      { jobId: job.jobId, lineId: job.lineId, attempt: claim.attempt, restoredFiles: restored },
      restored > 0 ? 'resuming training job from its checkpoint' : 'starting training job',
    );
    const watch = new JobWatch(job, claim.attempt, this.settings, this.deps);
    try {
      const outcome = await this.run(job, runDir, claim.attempt, started, watch);
      // Progress already under way is sent before the outcome, so nobody sees progress after the end.
      await watch.close();
      if (outcome.status === 'completed') await ledger.complete(job.jobId, outcome);
      else await ledger.fail(job.jobId, outcome);
      if (outcome.status === 'completed') {
        logger.info({ jobId: job.jobId, attempt: claim.attempt, candidate: outcome.candidate.modelVersionId }, 'training job completed');
      } else {
        logger.warn(
          { jobId: job.jobId, attempt: claim.attempt, status: outcome.status, errorCode: outcome.errorCode },
          `training job ${outcome.status}: ${outcome.reason}`,
        );
      }
      await this.announce(job, outcome, false);
      await rm(runDir, { recursive: true, force: true });
    } finally {
      watch.stop();
    }
  }

  private async run(job: TrainingJobRequestedV1, runDir: string, attempt: number, started: number, watch: JobWatch): Promise<FinishedJob> {
    const lastAttempt = attempt >= (this.settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    let trained;
    try {
      trained = await this.deps.trainer.train(job, runDir, {
        onProgress: (p) => watch.progress(p),
        onCheckpoint: () => this.saveCheckpoint(job, runDir),
        shouldStop: () => watch.cancelled,
      });
    } catch (error) {
      // A shutdown is not the job's outcome: the delivery stays unacknowledged and the job resumes.
      if (error instanceof TrainingInterruptedError) throw error;
      // Nor is an object store that is down while the job reads its frames: the bus retries the
      // delivery (with backoff) and the job resumes from its last checkpoint, until its attempts run out.
      if (codeOf(error, '') === 'object-store.unavailable' && !lastAttempt) throw error;
      return { status: 'failed', errorCode: codeOf(error, 'job.training-failed'), reason: `training failed: ${messageOf(error)}`, attempt };
    }
    if (trained.stopped) return { status: 'cancelled', errorCode: 'job.cancelled', reason: 'cancelled while training', attempt };
    watch.progress({ ...watch.latest, phase: 'gating', message: 'evaluating production and candidate on the line holdout' });
    let gates;
    try {
      gates = await this.deps.gate.evaluate(job, trained);
    } catch (error) {
      if (!lastAttempt) throw error;
      return {
        status: 'failed',
        errorCode: codeOf(error, 'job.gating-failed'),
        reason: `gating failed on attempt ${attempt}: ${messageOf(error)}`,
        attempt,
      };
    }
    // The job's log says why a candidate cannot be promoted, where the person on call reads first.
    this.deps.logger.info(
      { jobId: job.jobId, gatesPassed: gates.passed, gateReasons: gates.reasons },
      gates.passed ? 'candidate passed its gates' : `candidate failed its gates: ${gates.reasons.join('; ')}`,
    );
    watch.progress({
      ...watch.latest,
      phase: 'registering',
      message: gates.passed ? 'gates passed' : `gates failed: ${gates.reasons.join('; ')}`,
    });
    let candidate;
    try {
      candidate = await this.deps.registrar.register(job, trained, gates);
    } catch (error) {
      if (!lastAttempt) throw error;
      return {
        status: 'failed',
        errorCode: codeOf(error, 'job.registration-failed'),
        reason: `registering the candidate failed on attempt ${attempt}: ${messageOf(error)}`,
        attempt,
      };
    }
    return { status: 'completed', candidate, gates, durationMs: this.now() - started };
  }

  private async saveCheckpoint(job: TrainingJobRequestedV1, runDir: string): Promise<void> {
    try {
      await this.deps.runFolders.save(job.jobId, runDir);
    } catch (error) {
      // The checkpoint stays in the local run folder; a worker that dies before the next save
      // resumes from the previous one. Training goes on rather than fail for a storage blip.
      this.deps.logger.warn(
        { jobId: job.jobId, err: error },
        'could not save the training checkpoint to the object store; will try again at the next one',
      );
    }
  }

  private async announce(job: TrainingJobRequestedV1, outcome: FinishedJob, repeat: boolean): Promise<void> {
    const { bus } = this.deps;
    const base = { eventId: randomUUID(), occurredAt: new Date(this.now()).toISOString(), jobId: job.jobId, lineId: job.lineId };
    const options = repeat ? { headers: REPEAT_HEADERS } : undefined;
    if (outcome.status !== 'completed') {
      await bus.publish(
        Topics.trainingJobFailed,
        { ...base, outcome: outcome.status, errorCode: outcome.errorCode, reason: outcome.reason.slice(0, 2000), attempt: outcome.attempt },
        options,
      );
      return;
    }
    const { candidate, gates } = outcome;
    if (gates.passed) {
      await bus.publish(
        Topics.modelRegistered,
        {
          eventId: randomUUID(),
          occurredAt: base.occurredAt,
          modelVersionId: candidate.modelVersionId,
          name: candidate.name,
          version: candidate.version,
          artifactKey: candidate.artifactKey,
          classes: [...candidate.classes],
          usesTemplate: candidate.usesTemplate,
          metrics: { ...candidate.metrics },
          parentVersionId: job.baseModelVersionId,
          registeredBy: `continual-fine-tune job ${job.jobId}`,
        },
        options,
      );
      // Before `completed`: whoever reads a completed, passing job finds its candidate in shadow.
      // Not an adaptation's: a new line has no production model for a shadow to be compared with;
      // the wizard shows its evaluation and promotes it.
      if (this.deps.shadow && !job.adaptation) await this.deps.shadow.execute(job, candidate.modelVersionId, { repeat });
    }
    await bus.publish(
      Topics.trainingJobCompleted,
      {
        ...base,
        candidateModelVersionId: candidate.modelVersionId,
        artifactKey: candidate.artifactKey,
        gatesPassed: gates.passed,
        gateReasons: gates.reasons.map((r) => r.slice(0, 2000)),
        durationMs: outcome.durationMs,
      },
      options,
    );
  }
}

/**
 * A running job's side channels: its progress (an event at each new phase and at least every
 * `progressIntervalMs`, repeating the latest when the trainer is quiet, e.g. while it evaluates) and whether someone
 * cancelled it (asked of the ledger every `cancelPollMs`).
 */
class JobWatch {
  latest: JobProgress;
  cancelled = false;
  private lastSent = 0;
  private readonly timers: NodeJS.Timeout[];
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: TrainingJobRequestedV1,
    private readonly attempt: number,
    private readonly settings: TrainingJobRunnerSettings,
    private readonly deps: TrainingJobRunnerDependencies,
  ) {
    // The step count is known once the trainer has planned the run; until then 0 of 1.
    this.latest = { phase: 'preparing', step: 0, totalSteps: 1, losses: {}, validationAp: null, etaSeconds: null, message: null };
    const now = deps.now ?? Date.now;
    this.timers = [
      setInterval(
        () => {
          if (now() - this.lastSent >= settings.progressIntervalMs) this.send();
        },
        Math.max(50, Math.floor(settings.progressIntervalMs / 2)),
      ),
      setInterval(() => void this.pollCancel(), settings.cancelPollMs),
    ];
    for (const t of this.timers) t.unref();
    this.send();
  }

  progress(progress: JobProgress): void {
    // A new phase is sent at once: the interval alone can overwrite a short phase (a tiny
    // training run, its one report landing within the interval) before any event shows it.
    const phaseChanged = progress.phase !== this.latest.phase;
    this.latest = progress;
    const now = this.deps.now ?? Date.now;
    if (phaseChanged || now() - this.lastSent >= this.settings.progressIntervalMs) this.send();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
  }

  async close(): Promise<void> {
    this.stop();
    await this.sending;
  }

  private send(): void {
    const now = this.deps.now ?? Date.now;
    this.lastSent = now();
    const progress = this.latest;
    const { job } = this;
    // Progress is a view of the job, not its record (the ledger is): a lost progress event is
    // logged and the next one carries the newer state.
    this.sending = this.sending.then(async () => {
      try {
        await this.deps.ledger.recordProgress(job.jobId, progress);
        await this.deps.bus.publish(Topics.trainingJobProgress, {
          eventId: randomUUID(),
          occurredAt: new Date(now()).toISOString(),
          jobId: job.jobId,
          lineId: job.lineId,
          workerId: this.settings.workerId,
          attempt: this.attempt,
          phase: progress.phase,
          step: progress.step,
          totalSteps: progress.totalSteps,
          losses: { ...progress.losses },
          validationAp: progress.validationAp,
          etaSeconds: progress.etaSeconds,
          message: progress.message,
        });
      } catch (error) {
        this.deps.logger.warn({ jobId: job.jobId, err: error }, 'could not record or publish training progress');
      }
    });
  }

  private async pollCancel(): Promise<void> {
    if (this.cancelled) return;
    try {
      this.cancelled = await this.deps.ledger.cancelRequested(this.job.jobId);
    } catch (error) {
      this.deps.logger.warn({ jobId: this.job.jobId, err: error }, 'could not ask the ledger whether the job was cancelled');
    }
  }
}

function codeOf(error: unknown, fallback: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : fallback;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
