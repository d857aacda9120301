import { inputChannels, type ArchitectureSpec } from '../core/architecture-spec';
import type { DetectorWeights } from '../core/detector-weights';
import { exportDetectorToOnnx, ONNX_OPSET } from '../core/onnx-export';
import { compareOnnxWithTfjs, type NchwBatch } from '../core/onnx-tfjs.comparison';
import { SeededRandom } from '../data/seeded-random';
import type { ModelPackage } from './model-package.store';
import {
  HEAD_DECODING,
  MODEL_PACKAGE_FORMAT_VERSION,
  MODEL_PACKAGE_KIND,
  PACKAGE_FILES,
  type ModelMetadata,
} from './model-package.metadata';

export const DEFAULT_POSTPROCESSING: ModelMetadata['postprocessing'] = {
  scoreThreshold: 0.05,
  nmsIouThreshold: 0.5,
  maxDetections: 100,
  deploymentThreshold: null,
};

export interface BuildModelPackageInput {
  readonly spec: ArchitectureSpec;
  readonly weights: DetectorWeights;
  readonly argusVersion: string;
  readonly name?: string;
  readonly version?: string;
  readonly createdAt?: Date;
  readonly postprocessing?: Partial<ModelMetadata['postprocessing']>;
  readonly training: ModelMetadata['training'];
  readonly validation: NonNullable<ModelMetadata['metrics']['validation']> | null;
  readonly lineage?: ModelMetadata['lineage'];
  readonly fewShot?: ModelMetadata['fewShot'];
  /** Export to ONNX and check it against TF.js (needs an active TF.js backend). Default true. */
  readonly exportOnnx?: boolean;
  /** The training run's progress log, shipped in the package. */
  readonly trainingLog?: string;
  /** The check batch (NCHW, the model's size); default: seeded random pixels, 2 images. */
  readonly checkBatch?: NchwBatch & { readonly description: string };
}

function timestampVersion(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** A seeded random NCHW batch at the spec's input size, for the export check when no images are at hand. */
export function randomCheckBatch(spec: ArchitectureSpec, images = 2, seed = 1): NchwBatch & { description: string } {
  const dims: [number, number, number, number] = [images, inputChannels(spec), spec.input.height, spec.input.width];
  const random = new SeededRandom(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random.next();
  return { data, dims, description: `${images} images of seeded uniform noise` };
}

/**
 * Assembles a model package: metadata (spec, classes, preprocessing, template use, training
 * record, validation metrics, versions), the weights, and the ONNX export with its numerical check
 * against the TF.js model (max |difference| of the head outputs, recorded in the metadata).
 */
export async function buildModelPackage(input: BuildModelPackageInput): Promise<ModelPackage> {
  const { spec } = input;
  const createdAt = input.createdAt ?? new Date();
  let onnx: Uint8Array | undefined;
  let onnxRecord: ModelMetadata['onnx'] = null;
  if (input.exportOnnx ?? true) {
    onnx = exportDetectorToOnnx(spec, input.weights, { metadata: { 'argus.head-decoding': HEAD_DECODING } });
    const check = input.checkBatch ?? randomCheckBatch(spec);
    const maxAbsDiff = await compareOnnxWithTfjs(spec, input.weights, check);
    onnxRecord = { opset: ONNX_OPSET, maxAbsDiff, checkImages: check.dims[0], checkInput: check.description };
  }
  const metadata: ModelMetadata = {
    kind: MODEL_PACKAGE_KIND,
    formatVersion: MODEL_PACKAGE_FORMAT_VERSION,
    name: input.name ?? spec.name,
    version: input.version ?? timestampVersion(createdAt),
    createdAt: createdAt.toISOString(),
    argusVersion: input.argusVersion,
    spec,
    classes: [...spec.classes],
    input: { width: spec.input.width, height: spec.input.height, channels: spec.input.channels, modelChannels: inputChannels(spec) },
    preprocessing: {
      resize: 'letterbox',
      kernel: 'linear',
      padValue: 0,
      scale: '1/255',
      colour: spec.input.channels === 1 ? 'grey' : 'rgb',
    },
    template: { mode: spec.template, required: spec.template !== 'none' },
    head: { decoding: HEAD_DECODING, strides: [...spec.head.strides].sort((a, b) => a - b) },
    postprocessing: { ...DEFAULT_POSTPROCESSING, ...input.postprocessing },
    files: {
      onnx: onnx ? PACKAGE_FILES.onnx : null,
      weightsManifest: PACKAGE_FILES.weightsManifest,
      weightsBinary: PACKAGE_FILES.weightsBinary,
      trainingLog: input.trainingLog !== undefined ? PACKAGE_FILES.trainingLog : null,
    },
    onnx: onnxRecord,
    training: input.training,
    metrics: { validation: input.validation },
    ...(input.lineage ? { lineage: input.lineage } : {}),
    ...(input.fewShot ? { fewShot: input.fewShot } : {}),
  };
  return {
    metadata,
    weights: input.weights,
    ...(onnx ? { onnx } : {}),
    ...(input.trainingLog !== undefined ? { trainingLog: input.trainingLog } : {}),
  };
}
