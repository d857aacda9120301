import type { DetectorBatchOutput, DetectorInput } from './detector-runtime.port';
import type { GcStats } from './gc-account';

/** Messages between the service's main thread and its inference worker thread. */
export type InferenceWorkerRequest =
  | { readonly id: number; readonly type: 'load'; readonly modelId: string; readonly dir: string }
  | { readonly id: number; readonly type: 'detect'; readonly modelId: string; readonly inputs: readonly DetectorInput[] }
  | { readonly id: number; readonly type: 'unload'; readonly modelId: string };

export type InferenceWorkerResponse =
  | { readonly id: number; readonly ok: true; readonly result?: WorkerBatchOutput | { readonly runtime: string } }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** A batch's output as the worker sends it: with the worker thread's GC since its previous batch. */
export interface WorkerBatchOutput extends DetectorBatchOutput {
  readonly gc: GcStats;
}

export interface InferenceWorkerData {
  /** ONNX Runtime intra-op threads per session (1–2 on a small machine). */
  readonly threads: number;
}
