import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MessagingLogger } from '@argus/messaging';
import { DEFAULT_MODEL_HEAP_GROWING_PERCENT, setHeapGrowingPercent } from '@argus/vision';
import type { ModelPackageCache } from '../models/model-package.cache';
import type { DetectorBatchOutput, DetectorInput, DetectorRuntime, RuntimeModel } from './detector-runtime.port';
import { addGcStats, type GcStats } from './gc-account';
import type { InferenceWorkerData, InferenceWorkerRequest, InferenceWorkerResponse, WorkerBatchOutput } from './inference-worker.protocol';

/** Distributive Omit: keeps the request union a union. */
type WorkerCall = InferenceWorkerRequest extends infer R ? (R extends InferenceWorkerRequest ? Omit<R, 'id'> : never) : never;

interface PendingCall {
  readonly resolve: (response: InferenceWorkerResponse & { ok: true }) => void;
  readonly reject: (error: Error) => void;
}

export interface WorkerDetectorRuntimeOptions {
  readonly packages: ModelPackageCache;
  /** ONNX Runtime intra-op threads per session. */
  readonly threads: number;
  /**
   * V8's heap growing factor in percent, set for this process before the worker starts (default
   * DEFAULT_MODEL_HEAP_GROWING_PERCENT; 0: V8's own, which makes the worker GC-bound: see model-heap.ts).
   */
  readonly heapGrowingPercent?: number;
  readonly logger: MessagingLogger;
  /** This worker's number in its pool, in its log lines (default 0). */
  readonly worker?: number;
}

/**
 * The DetectorRuntime in a `worker_threads` worker (inference.worker.ts): the main thread downloads
 * packages (I/O) and posts frames; the worker decodes and runs the models. If the worker dies, the
 * calls in flight fail (their messages are retried by the bus) and the next call starts a new
 * worker, reloading the models it needs.
 */
export class WorkerDetectorRuntimeAdapter implements DetectorRuntime {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  /** Models loaded in the current worker (or loading). */
  private readonly loaded = new Map<string, Promise<void>>();
  private closed = false;
  /** The worker's GC as its batches reported it, since the last takeGcStats(). */
  private gc: GcStats = { pauseMs: 0, fullGcs: 0 };

  constructor(private readonly options: WorkerDetectorRuntimeOptions) {}

  load(model: RuntimeModel): Promise<void> {
    let loading = this.loaded.get(model.id);
    if (!loading) {
      loading = (async () => {
        const dir = await this.options.packages.folderFor(model);
        const started = performance.now();
        const response = await this.call({ type: 'load', modelId: model.id, dir });
        const runtime = (response.result as { runtime?: string } | undefined)?.runtime;
        this.options.logger.info(
          {
            modelVersionId: model.id,
            model: model.name,
            version: model.version,
            runtime,
            worker: this.options.worker ?? 0,
            loadMs: Math.round(performance.now() - started),
          },
          'model loaded',
        );
      })();
      this.loaded.set(model.id, loading);
      loading.catch(() => this.loaded.delete(model.id));
    }
    return loading;
  }

  async detect(model: RuntimeModel, inputs: readonly DetectorInput[]): Promise<DetectorBatchOutput> {
    await this.load(model);
    const response = await this.call({ type: 'detect', modelId: model.id, inputs });
    const output = response.result as WorkerBatchOutput;
    this.gc = addGcStats(this.gc, output.gc);
    return output;
  }

  async unload(modelId: string): Promise<void> {
    if (!this.loaded.delete(modelId) || !this.worker) return;
    await this.call({ type: 'unload', modelId });
    this.options.logger.info({ modelVersionId: modelId, worker: this.options.worker ?? 0 }, 'model unloaded');
  }

  loadedModelIds(): readonly string[] {
    return [...this.loaded.keys()];
  }

  takeGcStats(): GcStats {
    const stats = this.gc;
    this.gc = { pauseMs: 0, fullGcs: 0 };
    return stats;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.loaded.clear();
    if (worker) await worker.terminate();
  }

  private call(request: WorkerCall): Promise<InferenceWorkerResponse & { ok: true }> {
    if (this.closed) return Promise.reject(new Error('the inference runtime is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id } as InferenceWorkerRequest);
    });
  }

  private spawn(): Worker {
    setHeapGrowingPercent(this.options.heapGrowingPercent ?? DEFAULT_MODEL_HEAP_GROWING_PERCENT);
    const workerData: InferenceWorkerData = { threads: this.options.threads };
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { ...workerData, entry: workerEntry() } });
    worker.unref();
    worker.on('message', (response: InferenceWorkerResponse) => {
      const call = this.pending.get(response.id);
      if (!call) return;
      this.pending.delete(response.id);
      if (response.ok) call.resolve(response);
      else call.reject(new Error(response.error));
    });
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.loaded.clear();
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
      if (!this.closed)
        this.options.logger.error(
          { err: error, worker: this.options.worker ?? 0 },
          'inference worker died; the next batch starts a new one',
        );
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`inference worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/** The worker module: the TypeScript source under swc-node (services run from source), else compiled JS. */
function workerEntry(): string {
  const ts = path.join(__dirname, 'inference.worker.ts');
  return __filename.endsWith('.ts') ? ts : path.join(__dirname, 'inference.worker.js');
}

/** Registers swc-node for a TypeScript entry (with the repo's tsconfig for the @argus/* paths), then loads it. */
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const path = require('node:path');
if (workerData.entry.endsWith('.ts')) {
  process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.resolve(path.dirname(workerData.entry), '../../../../tsconfig.json');
  require('@swc-node/register');
}
require(workerData.entry);
`;
