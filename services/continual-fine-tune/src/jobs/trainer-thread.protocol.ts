import type { TrainingJobRequestedV1 } from '@argus/contracts';
import { DomainError } from '@argus/platform';
import { ObjectStoreError, type ObjectStoreErrorCode } from '@argus/storage';
import type { TrainerStoreLocation } from './trainer-store.location';
import type { JobProgress, TrainedCandidate } from './training-job.ports';
import type { VisionCandidateTrainerSettings } from './vision-candidate.trainer';

/** What a trainer thread is started with: one job, then it answers and is terminated. */
export interface TrainerThreadData {
  readonly job: TrainingJobRequestedV1;
  readonly runDir: string;
  readonly store: TrainerStoreLocation;
  readonly settings: VisionCandidateTrainerSettings;
  /** The thread's nice value (0: as the process). */
  readonly niceness?: number;
}

/** Main thread → trainer thread. */
export type ToTrainerThread =
  /** The job was cancelled: stop at the next step (the checkpoint is kept). */
  | { readonly type: 'stop' }
  /** The main thread has finished with checkpoint `id` (copied the run folder away, or failed to). */
  | { readonly type: 'checkpoint-saved'; readonly id: number; readonly error?: SerializedError };

/** Trainer thread → main thread. */
export type FromTrainerThread =
  | {
      readonly type: 'log';
      readonly level: 'info' | 'warn';
      readonly fields: Readonly<Record<string, unknown>>;
      readonly message: string;
    }
  | { readonly type: 'progress'; readonly progress: JobProgress }
  /** A checkpoint is in the run folder; the thread waits for `checkpoint-saved` with the same id. */
  | { readonly type: 'checkpoint'; readonly id: number }
  | { readonly type: 'result'; readonly candidate: TrainedCandidate }
  | { readonly type: 'error'; readonly error: SerializedError };

/** An error as it crosses the thread boundary: structured cloning keeps neither its class nor its `code`. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, details } = error as { code?: unknown; details?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' && code.length > 0 ? { code } : {}),
    ...(details !== null && typeof details === 'object' ? { details: cloneable(details as Record<string, unknown>) } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

const OBJECT_STORE_CODES: ReadonlySet<string> = new Set<ObjectStoreErrorCode>([
  'object-store.invalid-key',
  'object-store.invalid-metadata',
  'object-store.not-found',
  'object-store.bucket-not-found',
  'object-store.key-conflict',
  'object-store.auth',
  'object-store.unavailable',
  'object-store.failed',
]);

/**
 * The error again on the main thread, with the meaning the job runner and the bus read: its `code`
 * (the job's recorded error code; an object store's code keeps its ObjectStoreError class, which
 * tells a storage failure from bad data), its name, message and the thread's stack.
 */
export function deserializeError(serialized: SerializedError): Error {
  const { code, name, message } = serialized;
  let error: Error;
  if (code && OBJECT_STORE_CODES.has(code)) error = new ObjectStoreError(code as ObjectStoreErrorCode, message);
  else if (code) error = new DomainError(code, message, serialized.details ? { ...serialized.details } : undefined);
  else error = new Error(message);
  error.name = name;
  if (serialized.stack) error.stack = `${serialized.stack}\n    (in the trainer thread)`;
  return error;
}

/**
 * Log fields that survive postMessage: errors become their serialized form, anything else that
 * cannot be cloned becomes its text.
 */
export function cloneable(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) out[key] = serializeError(value);
    else if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) out[key] = value;
    else {
      try {
        out[key] = structuredClone(value);
      } catch {
        out[key] = String(value);
      }
    }
  }
  return out;
}
