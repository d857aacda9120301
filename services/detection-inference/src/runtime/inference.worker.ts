// The inference worker thread: owns the ONNX Runtime sessions (TF.js as fallback) and does the
// CPU work of a batch — decode, letterbox, model, head decoding, NMS — so the main thread's event
// loop stays free for Kafka heartbeats, /health and I/O. Started by WorkerDetectorRuntimeAdapter.
import { parentPort, workerData } from 'node:worker_threads';
import { DetectorRunner, folderPackageFiles, loadModelPackage } from '@argus/vision';
import type { DetectorOutput } from './detector-runtime.port';
import { GcAccount } from './gc-account';
import type { InferenceWorkerData, InferenceWorkerRequest, InferenceWorkerResponse } from './inference-worker.protocol';

const port = parentPort;
if (!port) throw new Error('inference.worker must run in a worker thread');
const { threads } = workerData as InferenceWorkerData;
const runners = new Map<string, Promise<DetectorRunner>>();
/** This thread's GC, reported with every batch (the main thread logs it with the model's load). */
const gc = new GcAccount();

async function handle(request: InferenceWorkerRequest): Promise<InferenceWorkerResponse> {
  switch (request.type) {
    case 'load': {
      let runner = runners.get(request.modelId);
      if (!runner) {
        runner = loadModelPackage(folderPackageFiles(request.dir)).then((pkg) => DetectorRunner.open(pkg, { threads }));
        runners.set(request.modelId, runner);
        runner.catch(() => runners.delete(request.modelId));
      }
      return { id: request.id, ok: true, result: { runtime: (await runner).runtime } };
    }
    case 'detect': {
      const runner = runners.get(request.modelId);
      if (!runner) return { id: request.id, ok: false, error: `model ${request.modelId} is not loaded` };
      const started = performance.now();
      const result = await (
        await runner
      ).detect(request.inputs.map((i) => ({ image: i.image, ...(i.template ? { template: i.template } : {}), label: i.label })));
      const failures = new Map(result.failures.map((f) => [f.index, f.error.message]));
      const outputs: DetectorOutput[] = request.inputs.map((_, index) => {
        const failure = failures.get(index);
        const size = result.imageSizes[index];
        if (failure !== undefined || size === undefined) return { ok: false, reason: failure ?? 'the image could not be prepared' };
        return { ok: true, detections: result.detections[index] ?? [], width: size.width, height: size.height };
      });
      return { id: request.id, ok: true, result: { outputs, batchMs: performance.now() - started, gc: gc.take() } };
    }
    case 'unload': {
      const runner = runners.get(request.modelId);
      runners.delete(request.modelId);
      if (runner) await (await runner.catch(() => undefined))?.dispose();
      return { id: request.id, ok: true };
    }
  }
}

port.on('message', (request: InferenceWorkerRequest) => {
  handle(request).then(
    (response) => port.postMessage(response),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies InferenceWorkerResponse),
  );
});
