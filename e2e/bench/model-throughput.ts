// The raw model throughput for bench:pipeline, in a process of its own (as detection-inference
// runs it): ARGUS_INFER_WORKERS worker threads, each with its own DetectorRunner of
// ARGUS_INFER_THREADS ONNX Runtime threads, each scoring one batch of frames — sharp decode,
// letterbox, ONNX Runtime, head decoding, NMS — over and over for a few seconds, all at once.
//
//   node -r @swc-node/register e2e/bench/model-throughput.ts <model dir> <frames dir> [seconds]
//
// <frames dir> holds the batch as *.jpg/*.png files and, for a template model, template.png.
// Prints one JSON line: {"fps":…,"cpuMsPerFrame":…,"frames":…,"othersCores":…}, the last being the
// CPU the rest of the machine used meanwhile, in cores (Linux). A separate process, so that
// nothing of the bench's own state (its heap, its sockets) is in the figure.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import {
  DEFAULT_MODEL_HEAP_GROWING_PERCENT,
  DetectorRunner,
  folderPackageFiles,
  loadModelPackage,
  setHeapGrowingPercent,
} from '@argus/vision';
import { machineBusySeconds } from '../support/proc-cpu.reader';

interface ScorerData {
  readonly modelDir: string;
  readonly framesDir: string;
  readonly threads: number;
}

/** From the main thread to a scorer: score batches until `seconds` have passed. */
interface Go {
  readonly seconds: number;
}

/** From a scorer: 'ready' after its warm-up, then the frames it scored. */
type ScorerMessage = { readonly type: 'ready' } | { readonly type: 'done'; readonly frames: number };

function readBatch(framesDir: string) {
  const templatePath = path.join(framesDir, 'template.png');
  const template = existsSync(templatePath) ? readFileSync(templatePath) : undefined;
  const batch = readdirSync(framesDir)
    .filter((f) => /^frame-\d+\.(jpg|png)$/.test(f))
    .sort()
    .map((f) => ({ image: readFileSync(path.join(framesDir, f)), ...(template ? { template } : {}), label: f }));
  if (batch.length === 0) throw new Error(`no frame-<n>.jpg|png in ${framesDir}`);
  return batch;
}

/** A worker thread: one runner, warmed up, then batches until told time is up. */
async function scorer(port: NonNullable<typeof parentPort>, data: ScorerData): Promise<void> {
  const batch = readBatch(data.framesDir);
  const runner = await DetectorRunner.open(await loadModelPackage(folderPackageFiles(data.modelDir)), { threads: data.threads });
  try {
    for (let i = 0; i < 3; i++) await runner.detect(batch);
    const go = await new Promise<Go>((resolve) => {
      port.once('message', resolve);
      port.postMessage({ type: 'ready' } satisfies ScorerMessage);
    });
    const started = performance.now();
    let frames = 0;
    while (performance.now() - started < go.seconds * 1000) {
      await runner.detect(batch);
      frames += batch.length;
    }
    port.postMessage({ type: 'done', frames } satisfies ScorerMessage);
  } finally {
    await runner.dispose();
  }
}

/** Registers swc-node for this TypeScript file in the worker (as the inference worker does), then loads it. */
const SCORER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.entry.endsWith('.ts')) require('@swc-node/register');
require(workerData.entry);
`;

function startScorer(data: ScorerData): { worker: Worker; next: () => Promise<ScorerMessage> } {
  const worker = new Worker(SCORER_BOOTSTRAP, { eval: true, workerData: { ...data, entry: __filename } });
  const queue: ScorerMessage[] = [];
  const waiting: Array<{ resolve: (m: ScorerMessage) => void; reject: (e: Error) => void }> = [];
  worker.on('message', (m: ScorerMessage) => (waiting.length > 0 ? waiting.shift()?.resolve(m) : queue.push(m)));
  const fail = (error: Error) => waiting.splice(0).forEach((w) => w.reject(error));
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`a scorer thread exited with code ${code}`)));
  const next = () => {
    const queued = queue.shift();
    return queued ? Promise.resolve(queued) : new Promise<ScorerMessage>((resolve, reject) => waiting.push({ resolve, reject }));
  };
  return { worker, next };
}

async function main(): Promise<void> {
  const [modelDir, framesDir, seconds = '5'] = process.argv.slice(2);
  if (!modelDir || !framesDir) throw new Error('usage: model-throughput.ts <model dir> <frames dir> [seconds]');
  const workers = Number(process.env['ARGUS_INFER_WORKERS'] ?? 2);
  const threads = Number(process.env['ARGUS_INFER_THREADS'] ?? 1);
  // The V8 heap setting detection-inference serves with (it makes no difference here, where the
  // heap stays below V8's first limit for the whole measurement, but "as served" is the rule).
  setHeapGrowingPercent(Number(process.env['ARGUS_INFER_HEAP_GROWING_PERCENT'] ?? DEFAULT_MODEL_HEAP_GROWING_PERCENT));
  readBatch(framesDir); // fail here, not in a thread, when the folder holds no frames
  const scorers = Array.from({ length: workers }, () => startScorer({ modelDir, framesDir, threads }));
  try {
    for (const s of scorers) await s.next(); // every scorer warmed up
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    for (const s of scorers) s.worker.postMessage({ seconds: Number(seconds) } satisfies Go);
    let frames = 0;
    for (const s of scorers) {
      const done = await s.next();
      if (done.type === 'done') frames += done.frames;
    }
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const machineAfter = machineBusySeconds();
    const ownS = (cpu.user + cpu.system) / 1e6;
    const othersCores =
      machineBefore === undefined || machineAfter === undefined ? undefined : Math.max(0, machineAfter - machineBefore - ownS) / elapsedS;
    process.stdout.write(`${JSON.stringify({ fps: frames / elapsedS, cpuMsPerFrame: (1000 * ownS) / frames, frames, othersCores })}\n`);
  } finally {
    await Promise.all(scorers.map((s) => s.worker.terminate()));
  }
}

if (isMainThread) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
} else if (parentPort) {
  void scorer(parentPort, workerData as ScorerData); // a rejection ends the thread with an 'error' event
}
