import type { Detection } from '@argus/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { selectTfBackend } from '../core/backend';
import { DetectorModel } from '../core/detector-model';
import { OnnxDetectorSession } from '../core/onnx-runtime';
import { silentVisionLogger, type VisionLogger } from '../core/vision-logger.port';
import { preprocessBatch, type PreprocessedBatch, type PreprocessInput } from '../data/preprocess';
import { TemplateCache } from '../data/template.cache';
import { detectionsFromHeadOutput } from '../train/detections.postprocessor';
import { HeadLayout } from '../train/head.layout';
import type { ModelMetadata } from './model-package.metadata';
import type { ModelPackage } from './model-package.store';

export type InferenceRuntime = 'onnxruntime' | 'tfjs';

export interface DetectorRunnerOptions {
  /** `auto` (default): ONNX Runtime when the package has an ONNX file and it loads, else TF.js. */
  readonly runtime?: 'auto' | InferenceRuntime;
  /** ONNX Runtime intra-op threads (default 2). */
  readonly threads?: number;
  /** Overrides of the package's post-processing (score threshold, NMS IoU, max detections). */
  readonly postprocessing?: Partial<ModelMetadata['postprocessing']>;
  readonly logger?: VisionLogger;
}

export interface DetectionBatchResult {
  /** One list per input, in input order; an input that failed has an empty list (see failures). */
  readonly detections: Detection[][];
  /** Original size of each input (undefined for a failed one). */
  readonly imageSizes: ({ readonly width: number; readonly height: number } | undefined)[];
  readonly failures: PreprocessedBatch['failures'];
}

/**
 * Runs a model package on encoded images, the way every Argus consumer does: sharp decode and
 * letterbox (batched), the model through ONNX Runtime (TF.js as the fallback runtime), head
 * decoding, per-class NMS, boxes back in original pixels. Open once, detect many times, dispose.
 */
export class DetectorRunner {
  private readonly layout: HeadLayout;
  /** A line's golden template comes with every frame: decoded and letterboxed once. */
  private readonly templateCache = new TemplateCache();

  private constructor(
    readonly metadata: ModelMetadata,
    readonly runtime: InferenceRuntime,
    private readonly onnx: OnnxDetectorSession | undefined,
    private readonly tfModel: DetectorModel | undefined,
    private readonly postprocessing: ModelMetadata['postprocessing'],
  ) {
    this.layout = HeadLayout.forSpec(metadata.spec);
  }

  static async open(pkg: ModelPackage, options: DetectorRunnerOptions = {}): Promise<DetectorRunner> {
    const logger = options.logger ?? silentVisionLogger;
    const wanted = options.runtime ?? 'auto';
    const postprocessing = { ...pkg.metadata.postprocessing, ...options.postprocessing };
    if (wanted !== 'tfjs') {
      if (pkg.onnx === undefined) {
        if (wanted === 'onnxruntime') throw new Error(`model ${pkg.metadata.name} has no ONNX file; use the tfjs runtime`);
      } else {
        try {
          const session = await OnnxDetectorSession.create(pkg.onnx, { intraOpNumThreads: options.threads ?? 2 });
          return new DetectorRunner(pkg.metadata, 'onnxruntime', session, undefined, postprocessing);
        } catch (error) {
          if (wanted === 'onnxruntime') throw error;
          logger.warn(
            { error: error instanceof Error ? error.message : String(error) },
            'ONNX Runtime could not load the model; falling back to TF.js',
          );
        }
      }
    }
    await selectTfBackend({ logger });
    const model = DetectorModel.fromWeights(pkg.metadata.spec, pkg.weights);
    return new DetectorRunner(pkg.metadata, 'tfjs', undefined, model, postprocessing);
  }

  /** Decodes and letterboxes a batch for this model (bad images are reported, not thrown). */
  preprocess(inputs: readonly PreprocessInput[]): Promise<PreprocessedBatch> {
    const { spec } = this.metadata;
    return preprocessBatch(inputs, {
      width: spec.input.width,
      height: spec.input.height,
      channels: spec.input.channels,
      templateMode: spec.template,
      layout: this.runtime === 'onnxruntime' ? 'nchw' : 'nhwc',
      padValue: this.metadata.preprocessing.padValue,
      kernel: this.metadata.preprocessing.kernel,
      onBadImage: 'skip',
      templateCache: this.templateCache,
    });
  }

  /** The raw head output of a preprocessed batch: [batch, cells, 5 + classes] row-major. */
  async runModel(batch: PreprocessedBatch): Promise<Float32Array> {
    if (batch.shape[0] === 0) return new Float32Array(0);
    if (this.onnx) {
      if (batch.layout !== 'nchw') throw new Error('ONNX Runtime needs an NCHW batch');
      return (await this.onnx.run(batch.data, batch.shape)).data;
    }
    const model = this.tfModel as DetectorModel;
    if (batch.layout !== 'nhwc') throw new Error('the TF.js runtime needs an NHWC batch');
    return tf.tidy(() => model.predict(tf.tensor4d(batch.data, [...batch.shape])).dataSync() as Float32Array);
  }

  /** Detections of a preprocessed batch, one list per original input (failed inputs: empty). */
  async detectPreprocessed(batch: PreprocessedBatch, inputCount: number): Promise<DetectionBatchResult> {
    const raw = await this.runModel(batch);
    const perSlot =
      batch.shape[0] === 0
        ? []
        : detectionsFromHeadOutput(raw, batch.mappings, this.layout, {
            classes: this.metadata.classes,
            scoreThreshold: this.postprocessing.scoreThreshold,
            iouThreshold: this.postprocessing.nmsIouThreshold,
            maxDetections: this.postprocessing.maxDetections,
          });
    const detections: Detection[][] = Array.from({ length: inputCount }, () => []);
    const imageSizes: DetectionBatchResult['imageSizes'] = Array.from({ length: inputCount }, () => undefined);
    batch.inputIndices.forEach((inputIndex, slot) => {
      detections[inputIndex] = perSlot[slot] ?? [];
      const mapping = batch.mappings[slot];
      if (mapping) imageSizes[inputIndex] = { width: mapping.srcWidth, height: mapping.srcHeight };
    });
    return { detections, imageSizes, failures: batch.failures };
  }

  async detect(inputs: readonly PreprocessInput[]): Promise<DetectionBatchResult> {
    return this.detectPreprocessed(await this.preprocess(inputs), inputs.length);
  }

  async dispose(): Promise<void> {
    this.tfModel?.dispose();
    await this.onnx?.dispose();
  }
}
