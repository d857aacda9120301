import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainingJobRequestedV1 } from '@argus/contracts';
import type { Logger } from '@argus/platform';
import { TrainerThreadCrashedError, TrainingInterruptedError } from '../continual.errors';
import type { TrainerStoreLocation } from './trainer-store.location';
import {
  deserializeError,
  type FromTrainerThread,
  serializeError,
  type ToTrainerThread,
  type TrainerThreadData,
} from './trainer-thread.protocol';
import type { CandidateTrainer, TrainedCandidate, TrainerHooks } from './training-job.ports';
import { candidateVersionOf, type VisionCandidateTrainerSettings } from './vision-candidate.trainer';

/** The bit of a `worker_threads` Worker the trainer uses (a test double in unit tests). */
export interface TrainerThread {
  postMessage(message: ToTrainerThread): void;
  on(event: 'message', listener: (message: FromTrainerThread) => void): unknown;
  on(event: 'error' | 'messageerror', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export interface ThreadCandidateTrainerOptions {
  /** The store the thread opens for itself: the same bucket the main thread's store is on. */
  readonly store: TrainerStoreLocation;
  readonly settings: VisionCandidateTrainerSettings;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /**
   * The trainer thread's nice value, 0–19 (0: as the process). Production inference shares the
   * cores: a job is background work and takes what inference leaves, so a line's latency holds.
   */
  readonly niceness?: number;
  /** How often `shouldStop` is asked (cancel is polled by the runner every few seconds; this only passes it on). Default 250. */
  readonly stopPollMs?: number;
  /**
   * After a stop, how long the thread has to end at a step boundary with its checkpoint before it
   * is terminated where it stands (its last saved checkpoint stays). Default 30 000.
   */
  readonly stopGraceMs?: number;
  /** Starts a thread; default: candidate-trainer.worker in a `worker_threads` Worker. */
  readonly spawn?: (data: TrainerThreadData) => TrainerThread;
}

/**
 * The CandidateTrainer in a worker thread (candidate-trainer.worker.ts), one thread per job: the
 * same fine-tune as VisionCandidateTrainer, but its CPU-bound steps no longer share the event loop
 * with the process's consumers, health checks and progress events (nor, in `npm start`, with the
 * pipeline). The thread gets the job, the run folder and a store location; progress, checkpoints,
 * log lines and the outcome come back as messages. On a checkpoint the thread waits until
 * `onCheckpoint` has finished here (the runner copies the run folder away), so the order
 * "checkpoint written, copied, then training goes on" holds as it did on one thread.
 *
 * Errors keep their meaning: the thread's error is rebuilt with its code (and an object store's
 * class), so the runner records the same outcome as for the in-process trainer. A thread that dies
 * without answering (an uncaught error, out of memory, an exit) fails the attempt with
 * `training-job.trainer-thread-crashed` and why. A cancelled job's thread is asked to stop at the
 * next step, then terminated. `close()` (shutdown) terminates the running threads and answers their
 * jobs with TrainingInterruptedError, which the runner lets through: the delivery is left
 * unacknowledged, and the job resumes from its last saved checkpoint when it is delivered again.
 */
export class ThreadCandidateTrainer implements CandidateTrainer {
  /** Each running thread, with what ends its job as interrupted (shutdown). */
  private readonly running = new Map<TrainerThread, () => void>();
  private closed = false;

  constructor(private readonly options: ThreadCandidateTrainerOptions) {}

  /** Threads training now (0 or 1 for a worker that takes one job at a time). */
  get activeThreads(): number {
    return this.running.size;
  }

  train(job: TrainingJobRequestedV1, runDir: string, hooks: TrainerHooks): Promise<TrainedCandidate> {
    if (this.closed) return Promise.reject(new TrainingInterruptedError(job.jobId));
    const { logger } = this.options;
    const thread = (this.options.spawn ?? spawnTrainerThread)({
      job,
      runDir,
      store: this.options.store,
      settings: this.options.settings,
      niceness: this.options.niceness ?? 0,
    });
    return new Promise<TrainedCandidate>((resolve, reject) => {
      let settled = false;
      let stopping: NodeJS.Timeout | undefined;
      const end = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        clearTimeout(stopping);
        this.running.delete(thread);
        // One thread per job: it is done (or dead) either way, and its memory goes with it.
        void thread.terminate().catch(() => undefined);
        outcome();
      };
      this.running.set(thread, () => end(() => reject(new TrainingInterruptedError(job.jobId))));
      const stopped = (): TrainedCandidate => ({
        packageDir: path.join(runDir, 'package'),
        name: job.jobId,
        version: candidateVersionOf(job),
        classes: [],
        usesTemplate: false,
        stopped: true,
      });
      const poll = setInterval(() => {
        if (stopping || settled || !hooks.shouldStop()) return;
        thread.postMessage({ type: 'stop' });
        stopping = setTimeout(() => {
          logger.warn(
            { jobId: job.jobId, graceMs: this.options.stopGraceMs ?? 30_000 },
            'the trainer thread did not stop in time after the job was cancelled: terminated, its last saved checkpoint kept',
          );
          end(() => resolve(stopped()));
        }, this.options.stopGraceMs ?? 30_000);
      }, this.options.stopPollMs ?? 250);

      thread.on('message', (message: FromTrainerThread) => {
        if (settled) return;
        try {
          switch (message.type) {
            case 'log':
              logger[message.level]({ ...message.fields, jobId: job.jobId }, message.message);
              return;
            case 'progress':
              hooks.onProgress(message.progress);
              return;
            case 'checkpoint':
              hooks.onCheckpoint().then(
                () => thread.postMessage({ type: 'checkpoint-saved', id: message.id }),
                (error: unknown) => thread.postMessage({ type: 'checkpoint-saved', id: message.id, error: serializeError(error) }),
              );
              return;
            case 'result':
              end(() => resolve(message.candidate));
              return;
            case 'error':
              end(() => reject(deserializeError(message.error)));
              return;
          }
        } catch (error) {
          // A hook that throws fails the attempt, as it would have inside the in-process trainer.
          end(() => reject(error instanceof Error ? error : new Error(String(error))));
        }
      });
      const crashed = (reason: string, cause?: Error) => end(() => reject(new TrainerThreadCrashedError(job.jobId, reason, cause)));
      thread.on('error', (error: Error) => crashed(`${error.name}: ${error.message}`, error));
      thread.on('messageerror', (error: Error) => crashed(`a message could not be read: ${error.message}`, error));
      thread.on('exit', (code: number) => crashed(`it exited with code ${code} before it answered`));
    });
  }

  /** Terminates the threads still training (shutdown); their jobs end interrupted, to be redelivered. */
  async close(): Promise<void> {
    this.closed = true;
    const threads = [...this.running];
    for (const [, interrupt] of threads) interrupt();
    await Promise.all(threads.map(([thread]) => thread.terminate().catch(() => undefined)));
  }
}

/** The worker module: the TypeScript source under swc-node (services run from source), else compiled JS. */
export function trainerWorkerEntry(): string {
  return __filename.endsWith('.ts')
    ? path.join(__dirname, 'candidate-trainer.worker.ts')
    : path.join(__dirname, 'candidate-trainer.worker.js');
}

/** Starts `entry` (default: the trainer thread's module) in a worker thread with `data`. */
export function spawnTrainerThread(data: TrainerThreadData, entry: string = trainerWorkerEntry()): TrainerThread {
  // The repo's tsconfig (for the @argus/* paths), found from this file: `entry` may be a test's.
  const project = path.resolve(__dirname, '../../../../tsconfig.json');
  const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { ...data, entry, project } });
  // The process's lifetime is its services', not a job's: shutdown terminates the thread.
  worker.unref();
  return worker;
}

/**
 * Registers swc-node for a TypeScript entry (with the repo's tsconfig for the @argus/* paths), then
 * loads it: detection-inference's inference worker starts the same way, so it works under jest,
 * `node -r @swc-node/register` and `npm start`.
 */
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.entry.endsWith('.ts')) {
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || workerData.project;
  require('@swc-node/register');
}
require(workerData.entry);
`;
