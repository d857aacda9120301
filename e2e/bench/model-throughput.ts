// The raw model throughput for bench:pipeline, in a process of its own (as detection-inference
// runs it): one batch of frames through DetectorRunner — sharp decode, letterbox, ONNX Runtime,
// head decoding, NMS — over and over for a few seconds.
//
//   node -r @swc-node/register e2e/bench/model-throughput.ts <model dir> <frames dir> [seconds]
//
// <frames dir> holds the batch as *.jpg/*.png files and, for a template model, template.png.
// Prints one JSON line: {"fps":…,"cpuMsPerFrame":…,"frames":…,"othersCores":…}, the last being the
// CPU the rest of the machine used meanwhile, in cores (Linux). A separate process, so that
// nothing of the bench's own state (its heap, its sockets) is in the figure.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MODEL_HEAP_GROWING_PERCENT, DetectorRunner, folderPackageFiles, loadModelPackage, setHeapGrowingPercent } from '@argus/vision';
import { machineBusySeconds } from '../support/proc-cpu.reader';

async function main(): Promise<void> {
  const [modelDir, framesDir, seconds = '5'] = process.argv.slice(2);
  if (!modelDir || !framesDir) throw new Error('usage: model-throughput.ts <model dir> <frames dir> [seconds]');
  const threads = Number(process.env['ARGUS_INFER_THREADS'] ?? 2);
  // The V8 heap setting detection-inference serves with (it makes no difference here, where the
  // heap stays below V8's first limit for the whole measurement, but "as served" is the rule).
  setHeapGrowingPercent(Number(process.env['ARGUS_INFER_HEAP_GROWING_PERCENT'] ?? DEFAULT_MODEL_HEAP_GROWING_PERCENT));
  const templatePath = path.join(framesDir, 'template.png');
  const template = existsSync(templatePath) ? readFileSync(templatePath) : undefined;
  const batch = readdirSync(framesDir)
    .filter((f) => /^frame-\d+\.(jpg|png)$/.test(f))
    .sort()
    .map((f) => ({ image: readFileSync(path.join(framesDir, f)), ...(template ? { template } : {}), label: f }));
  if (batch.length === 0) throw new Error(`no frame-<n>.jpg|png in ${framesDir}`);
  const runner = await DetectorRunner.open(await loadModelPackage(folderPackageFiles(modelDir)), { threads });
  try {
    for (let i = 0; i < 3; i++) await runner.detect(batch);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    let frames = 0;
    while (performance.now() - started < Number(seconds) * 1000) {
      await runner.detect(batch);
      frames += batch.length;
    }
    const elapsedS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const machineAfter = machineBusySeconds();
    const ownS = (cpu.user + cpu.system) / 1e6;
    const othersCores = machineBefore === undefined || machineAfter === undefined ? undefined : Math.max(0, machineAfter - machineBefore - ownS) / elapsedS;
    process.stdout.write(`${JSON.stringify({ fps: frames / elapsedS, cpuMsPerFrame: (1000 * ownS) / frames, frames, othersCores })}\n`);
  } finally {
    await runner.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
