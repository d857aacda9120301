import { hashStringWithSeed, SeededRandom } from '../data/seeded-random';
import { ArchitectureSpec } from './architecture-spec';
import { buildDetectorGraph, DetectorGraph, graphWeightShapes } from './detector-graph';

/** One weight as plain data: framework-free, so export and serialisation need no tensors. */
export interface WeightArray {
  shape: number[];
  values: Float32Array;
}

/** A detector's weights by name (`backbone.stages.0.down.kernel`, `….bn.mean`, …); see detector-graph. */
export type DetectorWeights = Record<string, WeightArray>;

/** Prior probability of an object at a cell, for the initial bias of objectness and class logits. */
export const PREDICTION_PRIOR = 0.01;

export class DetectorWeightsError extends Error {
  readonly code = 'INVALID_DETECTOR_WEIGHTS';
}

/**
 * Fresh weights for a spec, deterministic by seed and per weight name (adding a layer does not
 * change the others): He-normal kernels, identity batch norm, small prediction kernels with
 * objectness and class biases at the logit of PREDICTION_PRIOR (the focal-loss initialisation).
 */
export function initDetectorWeights(spec: ArchitectureSpec, seed: number, graph = buildDetectorGraph(spec)): DetectorWeights {
  const weights: DetectorWeights = {};
  const priorLogit = -Math.log((1 - PREDICTION_PRIOR) / PREDICTION_PRIOR);
  const filled = (shape: number[], value: number): WeightArray => ({ shape, values: new Float32Array(shape[0] ?? 0).fill(value) });
  for (const layer of graph.layers) {
    if (layer.kind !== 'conv') continue;
    const k = layer.kernelSize;
    const inChannels = layer.input.shape.channels;
    const out = layer.output.shape.channels;
    const kernelName = `${layer.name}.kernel`;
    const kernel = new Float32Array(k * k * inChannels * out);
    const std = layer.bias ? 0.01 : Math.sqrt(2 / (k * k * inChannels));
    const random = new SeededRandom(hashStringWithSeed(kernelName, seed));
    for (let i = 0; i < kernel.length; i++) kernel[i] = random.normal(0, std);
    weights[kernelName] = { shape: [k, k, inChannels, out], values: kernel };
    if (layer.batchNorm) {
      weights[`${layer.name}.bn.gamma`] = filled([out], 1);
      weights[`${layer.name}.bn.beta`] = filled([out], 0);
      weights[`${layer.name}.bn.mean`] = filled([out], 0);
      weights[`${layer.name}.bn.variance`] = filled([out], 1);
    }
    if (layer.bias) {
      // Channel 0 (objectness / centre-ness) and the class logits start at the prior; l t r b at 0.
      const bias = filled([out], 0);
      bias.values.fill(priorLogit, 0, 1 + spec.classes.length);
      weights[`${layer.name}.bias`] = bias;
    }
  }
  return weights;
}

/** Throws (naming the weight) unless `weights` has every weight of the spec with its shape. */
export function assertWeightsMatchSpec(graph: DetectorGraph, weights: DetectorWeights): void {
  const problems: string[] = [];
  for (const { name, shape } of graphWeightShapes(graph)) {
    const weight = weights[name];
    if (weight === undefined) {
      problems.push(`${name} is missing`);
    } else if (weight.shape.length !== shape.length || weight.shape.some((d, i) => d !== shape[i])) {
      problems.push(`${name} has shape [${weight.shape.join(', ')}], the spec needs [${shape.join(', ')}]`);
    } else if (weight.values.length !== shape.reduce((a, b) => a * b, 1)) {
      problems.push(`${name} has ${weight.values.length} values for shape [${shape.join(', ')}]`);
    }
  }
  if (problems.length > 0) {
    throw new DetectorWeightsError(`weights do not fit the architecture: ${problems.join('; ')}`);
  }
}
