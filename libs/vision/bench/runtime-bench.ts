/**
 * Micro-benchmark (not a test): inference ms/image through ONNX Runtime and through TF.js on the
 * selected backend (wasm here), at batch 1 and 8, for a feed's default architecture with seeded
 * weights. Decoding and pre-processing are not included.
 *
 *   node -r @swc-node/register libs/vision/bench/runtime-bench.ts [pcb|factory|medical|driving] [--threads N]
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  countMacs,
  countParams,
  defaultSpec,
  DetectorModel,
  exportDetectorToOnnx,
  Feed,
  FEEDS,
  initDetectorWeights,
  inputChannels,
  OnnxDetectorSession,
  selectTfBackend,
  silentVisionLogger,
} from '../src/core';

function parseArgs(argv: string[]): { feed: Feed; threads: number } {
  const feed = (argv.find((a) => (FEEDS as readonly string[]).includes(a)) ?? 'pcb') as Feed;
  const t = argv.indexOf('--threads');
  const threads = t >= 0 ? Number(argv[t + 1]) : 2;
  if (!Number.isInteger(threads) || threads < 1) throw new Error('--threads takes a positive integer');
  return { feed, threads };
}

/** Median of `runs` timings (ms) of `fn`, after `warmup` untimed runs. */
async function time(fn: () => Promise<void> | void, runs: number, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

async function main(): Promise<void> {
  const { feed, threads } = parseArgs(process.argv.slice(2));
  const spec = defaultSpec(feed);
  const backend = await selectTfBackend({ logger: silentVisionLogger });
  const weights = initDetectorWeights(spec, 1);
  const { height, width } = spec.input;
  const channels = inputChannels(spec);
  console.log(
    `${spec.name}: ${(countParams(spec) / 1e6).toFixed(2)} M parameters, ${(countMacs(spec) / 1e9).toFixed(3)} GMAC/image at ${height}×${width}×${channels}; ` +
      `TF.js backend ${backend.choice}, ONNX Runtime ${threads} intra-op threads`,
  );

  const session = await OnnxDetectorSession.create(exportDetectorToOnnx(spec, weights), { intraOpNumThreads: threads });
  const model = DetectorModel.fromWeights(spec, weights);
  for (const batch of [1, 8]) {
    const nchw = new Float32Array(batch * channels * height * width).map((_v, i) => (i % 251) / 251);
    const nhwc = tf.tensor4d(nchw, [batch, height, width, channels]);
    const runs = batch === 1 ? 20 : 6;
    const ortMs = (await time(() => session.run(nchw, [batch, channels, height, width]).then(() => undefined), runs)) / batch;
    const tfjsMs = (await time(() => void model.predict(nhwc).dispose(), Math.max(3, runs / 2))) / batch;
    nhwc.dispose();
    console.log(
      `batch ${batch}: ONNX Runtime ${ortMs.toFixed(2)} ms/image (${(1000 / ortMs).toFixed(0)} images/s), ` +
        `TF.js-${backend.choice} ${tfjsMs.toFixed(2)} ms/image (${(1000 / tfjsMs).toFixed(0)} images/s), ratio ${(tfjsMs / ortMs).toFixed(1)}×`,
    );
  }
  model.dispose();
  await session.dispose();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
