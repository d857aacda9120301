// The trainer thread: runs one job's fine-tune (VisionCandidateTrainer, TF.js) off the main thread,
// so the process's event loop stays free for Kafka heartbeats, /health, progress events and, in
// the embedded mode, the whole pipeline. Started by ThreadCandidateTrainer, one thread per job; it
// opens its own object store from the location it is given, answers once and is terminated.
import * as os from 'node:os';
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import { argusKernelsRegistered, selectTfBackend } from '@argus/vision';
import { openTrainerStore } from './trainer-store.location';
import {
  cloneable,
  deserializeError,
  type FromTrainerThread,
  serializeError,
  type ToTrainerThread,
  type TrainerThreadData,
} from './trainer-thread.protocol';
import { VisionCandidateTrainer } from './vision-candidate.trainer';

const port = parentPort;
if (isMainThread || !port) throw new Error('candidate-trainer.worker must run in a worker thread');
const { job, runDir, store: location, settings, niceness = 0 } = workerData as TrainerThreadData;

const send = (message: FromTrainerThread) => port.postMessage(message);
/** Log lines go to the main thread's logger (pino's call shapes: `(fields, message)` or `(message)`). */
const forward =
  (level: 'info' | 'warn') =>
  (fieldsOrMessage?: unknown, message?: unknown): void => {
    const text = typeof fieldsOrMessage === 'string' ? fieldsOrMessage : String(message ?? '');
    const fields =
      fieldsOrMessage !== null && typeof fieldsOrMessage === 'object' ? cloneable(fieldsOrMessage as Record<string, unknown>) : {};
    send({ type: 'log', level, fields, message: text });
  };
const logger = { info: forward('info'), warn: forward('warn') };

let stopRequested = false;
let nextCheckpoint = 1;
const checkpoints = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

port.on('message', (message: ToTrainerThread) => {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  const waiting = checkpoints.get(message.id);
  checkpoints.delete(message.id);
  if (message.error) waiting?.reject(deserializeError(message.error));
  else waiting?.resolve();
});

/**
 * Lowers this thread's CPU priority. On Linux a nice value belongs to the thread (setpriority on
 * the calling task), so the service's main thread and the inference processes keep theirs; where
 * it would lower the whole process instead, it is left alone and the log says so.
 */
function lowerPriority(): string {
  if (niceness <= 0) return 'at the process priority';
  if (process.platform !== 'linux') return `at the process priority (a thread's own nice value is Linux's; asked for ${niceness})`;
  try {
    os.setPriority(niceness);
    return `at nice ${os.getPriority()}`;
  } catch (error) {
    return `at the process priority (nice ${niceness} refused: ${error instanceof Error ? error.message : String(error)})`;
  }
}

async function train(): Promise<FromTrainerThread> {
  const priority = lowerPriority();
  // The job's log says where it trains and on what: a backend that failed to load here is the job's error.
  const backend = await selectTfBackend({
    logger: { info: () => undefined, warn: (fields, message) => logger.warn(fields, message ?? '') },
  });
  logger.info(
    { jobId: job.jobId, threadId, tfBackend: backend.choice, argusKernels: argusKernelsRegistered(), priority },
    `training in worker thread ${threadId} on the TF.js ${backend.choice} backend${argusKernelsRegistered() ? " with Argus's wasm kernels" : ''}, ${priority}`,
  );
  const trainer = new VisionCandidateTrainer(openTrainerStore(location), settings, logger);
  const candidate = await trainer.train(job, runDir, {
    onProgress: (progress) => send({ type: 'progress', progress }),
    // The main thread copies the run folder away; training goes on only once it has.
    onCheckpoint: () =>
      new Promise<void>((resolve, reject) => {
        const id = nextCheckpoint++;
        checkpoints.set(id, { resolve, reject });
        send({ type: 'checkpoint', id });
      }),
    shouldStop: () => stopRequested,
  });
  return { type: 'result', candidate };
}

train().then(send, (error: unknown) => send({ type: 'error', error: serializeError(error) }));
