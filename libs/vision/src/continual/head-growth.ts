import { type ArchitectureSpec, ArchitectureSpecSchema } from '../core/architecture-spec';
import { type DetectorWeights, PREDICTION_PRIOR, type WeightArray } from '../core/detector-weights';
import { hashStringWithSeed, SeededRandom } from '../data/seeded-random';

export class HeadGrowthError extends Error {
  readonly code = 'HEAD_GROWTH';
}

export interface GrownHead {
  readonly spec: ArchitectureSpec;
  readonly weights: DetectorWeights;
  /** The class list after growth: the parent's, in its order, then the added ones. */
  readonly classes: readonly string[];
  /** Indices (into `classes`) of the classes the parent did not know. */
  readonly addedClassIndices: readonly number[];
}

/** Standard deviation of the new class channels' kernel columns: that of a fresh prediction conv. */
const NEW_CHANNEL_STD = 0.01;

/**
 * Adds class channels to a detector's prediction convs for classes the parent does not know.
 *
 * Each head level's prediction conv has `1 + C + 4` output channels: objectness, C class logits,
 * l t r b. The added classes' channels go after the parent's classes (before l t r b), so class
 * ids and names of the parent stay what they were. Their kernel columns are small seeded noise (to
 * break symmetry between added classes) and their bias the logit of PREDICTION_PRIOR, so an added
 * class scores σ(obj)·0.01 before training: below any serving threshold, and the grown model
 * detects exactly what the parent did. Every other channel's kernel column and bias are copied, so
 * the parent's outputs are reproduced exactly, channel for channel.
 */
export function growHead(spec: ArchitectureSpec, weights: DetectorWeights, added: readonly string[], seed: number): GrownHead {
  const known = new Set(spec.classes);
  const repeated = added.filter((name, i) => known.has(name) || added.indexOf(name) !== i);
  if (repeated.length > 0) throw new HeadGrowthError(`class(es) ${repeated.join(', ')} are already in the model or repeated`);
  const oldCount = spec.classes.length;
  const classes = [...spec.classes, ...added];
  const parsed = ArchitectureSpecSchema.safeParse({ ...spec, classes });
  if (!parsed.success) throw new HeadGrowthError(`the grown spec is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  if (added.length === 0) return { spec, weights, classes, addedClassIndices: [] };

  const oldChannels = 5 + oldCount;
  const newChannels = oldChannels + added.length;
  const insertAt = 1 + oldCount;
  const priorLogit = -Math.log((1 - PREDICTION_PRIOR) / PREDICTION_PRIOR);
  const grown: DetectorWeights = { ...weights };
  for (const stride of spec.head.strides) {
    const kernelName = `head.s${stride}.predict.kernel`;
    const biasName = `head.s${stride}.predict.bias`;
    const kernel = weights[kernelName];
    const bias = weights[biasName];
    if (!kernel || !bias) throw new HeadGrowthError(`the weights have no ${kernelName} / ${biasName}`);
    const outAxis = kernel.shape[3];
    if (kernel.shape.length !== 4 || outAxis !== oldChannels || bias.values.length !== oldChannels) {
      throw new HeadGrowthError(`${kernelName} has shape [${kernel.shape.join(', ')}]; expected ${oldChannels} output channels`);
    }
    const random = new SeededRandom(hashStringWithSeed(`${kernelName}+${added.join(',')}`, seed));
    grown[kernelName] = insertColumns(kernel, insertAt, added.length, () => random.normal(0, NEW_CHANNEL_STD));
    grown[biasName] = insertColumns({ shape: [oldChannels], values: bias.values }, insertAt, added.length, () => priorLogit);
  }
  const addedClassIndices = added.map((_, i) => oldCount + i);
  if (newChannels !== 5 + classes.length) throw new HeadGrowthError('internal: channel count mismatch');
  return { spec: parsed.data, weights: grown, classes, addedClassIndices };
}

/** A copy of `w` (last axis = channels) with `count` channels inserted before channel `at`. */
function insertColumns(w: WeightArray, at: number, count: number, value: () => number): WeightArray {
  const channels = w.shape[w.shape.length - 1] as number;
  const rows = w.values.length / channels;
  const out = new Float32Array(rows * (channels + count));
  for (let r = 0; r < rows; r++) {
    const src = r * channels;
    const dst = r * (channels + count);
    out.set(w.values.subarray(src, src + at), dst);
    for (let j = 0; j < count; j++) out[dst + at + j] = value();
    out.set(w.values.subarray(src + at, src + channels), dst + at + count);
  }
  return { shape: [...w.shape.slice(0, -1), channels + count], values: out };
}

/**
 * Maps a grown model's head channels back to the parent's: for each parent channel, its index in
 * the grown output (the added class channels are skipped). Distillation and the tests use it.
 */
export function parentChannelIndices(parentClassCount: number, addedCount: number): number[] {
  const indices: number[] = [];
  for (let c = 0; c < 1 + parentClassCount; c++) indices.push(c);
  for (let c = 0; c < 4; c++) indices.push(1 + parentClassCount + addedCount + c);
  return indices;
}
