import type { Detection } from '@argus/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { inputChannels } from '../core/architecture-spec';
import type { ArchitectureSpec } from '../core/architecture-spec';
import type { DetectorModel } from '../core/detector-model';
import type { DetectorWeights } from '../core/detector-weights';
import { exportDetectorToOnnx } from '../core/onnx-export';
import { OnnxDetectorSession } from '../core/onnx-runtime';
import { evaluateCoco } from '../eval/coco-evaluator';
import { evaluateDeepPcbBenchmark } from '../eval/deeppcb-benchmark';
import type { EvaluationImage } from '../eval/evaluation-image';
import { detectionsFromHeadOutput, type DetectionPostprocessOptions } from './detections.postprocessor';
import { HeadLayout } from './head.layout';
import { buildTrainingBatch } from './training-batch.builder';
import type { LoadedSample } from './training-image.loader';

export interface ValidationMetrics {
  /** The DeepPCB benchmark's AP (IoU > 0.33, same class, every detection written). */
  readonly deepPcbAp: number;
  readonly deepPcbFScore: number;
  /** COCO mAP@0.5 and mAP@[.5:.95]. */
  readonly map50: number;
  readonly map: number;
  readonly imageCount: number;
}

/** Which validation number picks the best checkpoint and drives early stopping. */
export type SelectionMetric = 'deeppcb-ap' | 'map50';

export function selectionScore(metrics: ValidationMetrics, metric: SelectionMetric): number {
  const value = metric === 'deeppcb-ap' ? metrics.deepPcbAp : metrics.map50;
  return Number.isFinite(value) ? value : 0;
}

export function metricsOf(images: readonly EvaluationImage[], classes: readonly string[]): ValidationMetrics {
  const coco = evaluateCoco(images, { classes });
  const deepPcb = evaluateDeepPcbBenchmark(images);
  return {
    deepPcbAp: deepPcb.ap,
    deepPcbFScore: deepPcb.fScore,
    map50: coco.map50,
    map: coco.map,
    imageCount: images.length,
  };
}

/**
 * Runs a TF.js model (inference mode, at the spec's input size) over preloaded validation images
 * and returns the detections per image in original pixels, ready for the evaluators.
 */
export function predictLoadedSamples(
  model: DetectorModel,
  images: readonly LoadedSample[],
  options: DetectionPostprocessOptions & { batchSize?: number },
): EvaluationImage[] {
  const spec = model.spec;
  const layout = HeadLayout.forSpec(spec);
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const out: EvaluationImage[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const chunk = images.slice(start, start + batchSize);
    const { data, shape } = buildTrainingBatch(chunk, spec.template);
    if (shape[3] !== inputChannels(spec)) throw new Error(`internal: batch has ${shape[3]} channels, the model ${inputChannels(spec)}`);
    const raw = tf.tidy(() => model.predict(tf.tensor4d(data, shape)).dataSync() as Float32Array);
    const detections = detectionsFromHeadOutput(
      raw,
      chunk.map((c) => c.mapping),
      layout,
      options,
    );
    chunk.forEach((image, i) => out.push(evaluationImage(image, detections[i] ?? [])));
  }
  return out;
}

/** An image's ground truth and detections, less detections of classes it was not labelled for. */
function evaluationImage(image: LoadedSample, detections: readonly Detection[]): EvaluationImage {
  const labelled = image.labelledClasses;
  return {
    id: image.id,
    groundTruth: image.groundTruth,
    detections: labelled ? detections.filter((d) => labelled.includes(d.className)) : detections,
  };
}

/**
 * The same as predictLoadedSamples through ONNX Runtime: the weights are exported (batch norm
 * folded) and run in a session — an order of magnitude faster than TF.js-wasm, which makes
 * validating every epoch cheap.
 */
export async function predictLoadedSamplesOnnx(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  images: readonly LoadedSample[],
  options: DetectionPostprocessOptions & { batchSize?: number; threads?: number },
): Promise<EvaluationImage[]> {
  const session = await OnnxDetectorSession.create(exportDetectorToOnnx(spec, weights), { intraOpNumThreads: options.threads ?? 1 });
  try {
    const layout = HeadLayout.forSpec(spec);
    const batchSize = Math.max(1, options.batchSize ?? 8);
    const out: EvaluationImage[] = [];
    for (let start = 0; start < images.length; start += batchSize) {
      const chunk = images.slice(start, start + batchSize);
      const { data, shape } = buildTrainingBatch(chunk, spec.template, 'nchw');
      const raw = (await session.run(data, shape)).data;
      const detections = detectionsFromHeadOutput(
        raw,
        chunk.map((c) => c.mapping),
        layout,
        options,
      );
      chunk.forEach((image, i) => out.push(evaluationImage(image, detections[i] ?? [])));
    }
    return out;
  } finally {
    await session.dispose();
  }
}
