import type { Detection } from '@argus/contracts';
import type { GcStats } from './gc-account';

/** The model version a runtime loads: its registry id and where its package lives in the object store. */
export interface RuntimeModel {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  /** Object-store prefix of the model package (`models/<name>/<version>`). */
  readonly artifactKey: string;
}

/** One frame to score: encoded bytes (JPEG/PNG) and, for template models, the line's golden template. */
export interface DetectorInput {
  readonly image: Uint8Array;
  readonly template?: Uint8Array;
  /** Names the frame in failure reasons (the frame id). */
  readonly label: string;
}

export type DetectorOutput =
  | { readonly ok: true; readonly detections: Detection[]; readonly width: number; readonly height: number }
  /** The frame could not be decoded or prepared (corrupt bytes, missing or mismatched template). */
  | { readonly ok: false; readonly reason: string };

export interface DetectorBatchOutput {
  /** One output per input, in input order. */
  readonly outputs: readonly DetectorOutput[];
  /** Wall time of the whole batch in the runtime (decode, model, post-processing). */
  readonly batchMs: number;
}

/**
 * The model runtime: decodes, runs a model version and post-processes, OFF the event loop. Loads
 * are idempotent; `detect` on a version that is not loaded loads it first.
 */
export interface DetectorRuntime {
  load(model: RuntimeModel): Promise<void>;
  detect(model: RuntimeModel, inputs: readonly DetectorInput[]): Promise<DetectorBatchOutput>;
  unload(modelId: string): Promise<void>;
  /** The versions currently loaded. */
  loadedModelIds(): readonly string[];
  /** The runtime thread's garbage collection since the previous call (runtimes in a thread of their own). */
  takeGcStats?(): GcStats;
  close(): Promise<void>;
}
