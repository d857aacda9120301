import * as tf from '@tensorflow/tfjs-core';
import { inputChannels, type ArchitectureSpec } from '../core/architecture-spec';
import { DetectorModel } from '../core/detector-model';
import type { DetectorWeights } from '../core/detector-weights';
import { OnnxDetectorSession } from '../core/onnx-runtime';
import { SeededRandom } from '../data/seeded-random';
import { AdamOptimizer } from '../train/adam.optimizer';
import { batchTargets, DetectionLoss, disposeBatchTargets } from '../train/detection.loss';
import { trainingStep } from '../train/detector.trainer';
import { HeadLayout } from '../train/head.layout';
import { assignHeadTargets, type TargetBox } from '../train/head-target.assigner';

export interface ThroughputMeasurement {
  readonly batchSize: number;
  readonly imagesPerSecond: number;
  readonly msPerBatch: number;
  readonly batches: number;
}

export interface MeasureOptions {
  /** Keep measuring until this much time has passed (default 2 s) and at least `minBatches` (default 5). */
  readonly minSeconds?: number;
  readonly minBatches?: number;
  readonly warmupBatches?: number;
}

async function measure(batchSize: number, runOnce: () => Promise<void>, options: MeasureOptions): Promise<ThroughputMeasurement> {
  for (let i = 0; i < (options.warmupBatches ?? 2); i++) await runOnce();
  const minMs = (options.minSeconds ?? 2) * 1000;
  const minBatches = options.minBatches ?? 5;
  const started = process.hrtime.bigint();
  let batches = 0;
  let elapsedMs = 0;
  while (batches < minBatches || elapsedMs < minMs) {
    await runOnce();
    batches++;
    elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  }
  return { batchSize, imagesPerSecond: (1000 * batches * batchSize) / elapsedMs, msPerBatch: elapsedMs / batches, batches };
}

function randomInput(count: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = random.next();
  return data;
}

/** Model-only inference throughput through ONNX Runtime (a preprocessed batch, NCHW). */
export async function benchmarkOnnxInference(
  onnx: Uint8Array,
  spec: ArchitectureSpec,
  batchSize: number,
  options: MeasureOptions & { threads?: number } = {},
): Promise<ThroughputMeasurement> {
  const session = await OnnxDetectorSession.create(onnx, { intraOpNumThreads: options.threads ?? 2 });
  try {
    const dims: [number, number, number, number] = [batchSize, inputChannels(spec), spec.input.height, spec.input.width];
    const data = randomInput(
      dims.reduce((a, b) => a * b, 1),
      1,
    );
    return await measure(batchSize, async () => void (await session.run(data, dims)), options);
  } finally {
    await session.dispose();
  }
}

/** Model-only inference throughput through TF.js on the active backend (NHWC batch, folded batch norm). */
export async function benchmarkTfjsInference(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  batchSize: number,
  options: MeasureOptions = {},
): Promise<ThroughputMeasurement> {
  const model = DetectorModel.fromWeights(spec, weights);
  const input = tf.tensor4d(randomInput(batchSize * spec.input.height * spec.input.width * inputChannels(spec), 1), [
    batchSize,
    spec.input.height,
    spec.input.width,
    inputChannels(spec),
  ]);
  try {
    return await measure(
      batchSize,
      async () => {
        const out = model.predict(input);
        await out.data();
        out.dispose();
      },
      options,
    );
  } finally {
    input.dispose();
    model.dispose();
  }
}

/**
 * Training throughput (images per second of full optimisation steps: forward, loss, gradients,
 * AdamW) on the active backend, at a crop size, with seeded random inputs and boxes.
 */
export async function benchmarkTraining(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  options: MeasureOptions & { batchSize: number; crop?: { width: number; height: number } },
): Promise<ThroughputMeasurement> {
  const crop = options.crop ?? { width: spec.input.width, height: spec.input.height };
  const model = DetectorModel.fromWeights(spec, weights);
  const optimizer = new AdamOptimizer(model.trainableVariables(), { weightDecay: 5e-4 });
  const layout = new HeadLayout(crop.width, crop.height, spec.head.strides);
  const loss = new DetectionLoss(layout, { classCount: spec.classes.length });
  const random = new SeededRandom(3);
  const boxes = (): TargetBox[] =>
    Array.from({ length: 3 }, () => {
      const x = random.uniform(0, crop.width - 24);
      const y = random.uniform(0, crop.height - 24);
      return {
        box: { x1: x, y1: y, x2: x + random.uniform(8, 24), y2: y + random.uniform(8, 24) },
        classId: random.int(0, spec.classes.length - 1),
      };
    });
  const x = tf.tensor4d(randomInput(options.batchSize * crop.width * crop.height * inputChannels(spec), 2), [
    options.batchSize,
    crop.height,
    crop.width,
    inputChannels(spec),
  ]);
  const targets = batchTargets(
    Array.from({ length: options.batchSize }, () =>
      assignHeadTargets(boxes(), layout, { classCount: spec.classes.length, style: spec.head.style }),
    ),
    layout,
    spec.classes.length,
  );
  try {
    return await measure(options.batchSize, async () => void (await trainingStep(model, loss, optimizer, x, targets, 1e-4)), {
      warmupBatches: 1,
      minBatches: 3,
      ...options,
    });
  } finally {
    disposeBatchTargets(targets);
    x.dispose();
    loss.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
