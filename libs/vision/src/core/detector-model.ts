import * as tf from '@tensorflow/tfjs-core';
import { Activation, ArchitectureSpec, headChannels, LEAKY_RELU_ALPHA } from './architecture-spec';
import { BATCH_NORM_EPSILON, batchNormTraining } from './batch-norm.op';
import { buildDetectorGraph, ConvLayer, DetectorGraph, graphWeightShapes } from './detector-graph';
import { assertWeightsMatchSpec, DetectorWeights, initDetectorWeights } from './detector-weights';
import { registerTfjsGradients } from './gradients';
import { registerArgusKernels } from './wasm-kernels';

export interface HeadLevelOutput {
  stride: number;
  /** Raw prediction [batch, height, width, 5 + classes]: logits and l t r b (see decodeHead). */
  output: tf.Tensor4D;
}

export interface ForwardOptions {
  /**
   * Training mode: batch norm normalises with the batch's statistics and moves the running
   * averages towards them. Inference mode (default) uses the running averages.
   */
  training?: boolean;
}

export interface DetectorModelOptions {
  /** Weight of the old running average per training step (PyTorch's 0.1 momentum = 0.9 here). */
  batchNormMomentum?: number;
}

function activate(x: tf.Tensor4D, activation: Activation | 'none'): tf.Tensor4D {
  switch (activation) {
    case 'none':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'leaky':
      return tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
  }
}

/** Fused-conv activation for an inference conv; silu is applied after (no fused form). */
function fusedActivation(activation: Activation | 'none'): tf.fused.Activation {
  switch (activation) {
    case 'relu':
      return 'relu';
    case 'relu6':
      return 'relu6';
    case 'leaky':
      return 'leakyrelu';
    case 'none':
    case 'silu':
      return 'linear';
  }
}

function convPadding(layer: ConvLayer): 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  const p = layer.pad;
  return p === 0
    ? 'valid'
    : [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ];
}

/**
 * A detector built from an ArchitectureSpec in TensorFlow.js (NHWC): weights as tf.Variables,
 * forward in training or inference mode, raw head outputs. Runs on whatever backend is active
 * (select one with selectTfBackend first). Dispose it when done.
 */
export class DetectorModel {
  readonly graph: DetectorGraph;
  private readonly variables = new Map<string, tf.Variable>();
  private readonly momentum: number;
  /** Batch norm folded into kernels and biases for inference; rebuilt after any weight changes. */
  private folded: Map<string, { kernel: tf.Tensor4D; bias: tf.Tensor1D }> | undefined;
  /** The variables' data when `folded` was built (assign, by us or an optimizer, replaces it). */
  private foldedFrom: unknown[] = [];

  private constructor(
    readonly spec: ArchitectureSpec,
    weights: DetectorWeights,
    options: DetectorModelOptions,
  ) {
    registerTfjsGradients();
    registerArgusKernels();
    this.graph = buildDetectorGraph(spec);
    this.momentum = options.batchNormMomentum ?? 0.9;
    assertWeightsMatchSpec(this.graph, weights);
    for (const { name, shape, trainable } of graphWeightShapes(this.graph)) {
      const weight = weights[name];
      if (weight === undefined) continue; // cannot happen after assertWeightsMatchSpec
      const initial = tf.tensor(weight.values, shape, 'float32');
      this.variables.set(name, tf.variable(initial, trainable));
      initial.dispose();
    }
  }

  /** A model with fresh weights (see initDetectorWeights), deterministic by seed. */
  static create(spec: ArchitectureSpec, seed: number, options: DetectorModelOptions = {}): DetectorModel {
    return new DetectorModel(spec, initDetectorWeights(spec, seed), options);
  }

  /** A model holding the given weights (which must fit the spec). */
  static fromWeights(spec: ArchitectureSpec, weights: DetectorWeights, options: DetectorModelOptions = {}): DetectorModel {
    return new DetectorModel(spec, weights, options);
  }

  /** The variables gradients update (kernels, biases, batch-norm scales and offsets), by name. */
  trainableVariables(): Map<string, tf.Variable> {
    return new Map([...this.variables].filter(([, v]) => v.trainable));
  }

  /**
   * Forward pass of an NHWC batch [batch, height, width, inputChannels(spec)] of floats in [0, 1];
   * one raw output per head level, ascending stride. The network is fully convolutional: besides
   * the spec's input size, any multiple of the total stride works (training on crops).
   */
  forward(input: tf.Tensor4D, options: ForwardOptions = {}): HeadLevelOutput[] {
    const { height, width, channels } = this.graph.input.shape;
    const [, h, w, c] = input.shape;
    const total = this.totalStride();
    if (c !== channels || h % total !== 0 || w % total !== 0) {
      throw new RangeError(
        `input must be NHWC [batch, height, width, ${channels}] with height and width multiples of ${total} ` +
          `(the spec's size is ${height}×${width}), got [${input.shape.join(', ')}]`,
      );
    }
    const training = options.training ?? false;
    if (!training && !this.foldedIsCurrent()) {
      this.dropFolded();
      this.folded = this.foldBatchNorm();
      this.foldedFrom = [...this.variables.values()].map((v) => v.dataId);
    }
    const values = new Map<string, tf.Tensor4D>([[this.graph.input.id, input]]);
    const get = (id: string): tf.Tensor4D => {
      const value = values.get(id);
      if (value === undefined) throw new Error(`graph value ${id} used before it is computed`);
      return value;
    };
    return tf.tidy(() => {
      for (const layer of this.graph.layers) {
        switch (layer.kind) {
          case 'conv':
            values.set(
              layer.output.id,
              training ? this.trainingConv(layer, get(layer.input.id)) : this.inferenceConv(layer, get(layer.input.id)),
            );
            break;
          case 'add':
            values.set(layer.output.id, tf.add(get(layer.inputs[0].id), get(layer.inputs[1].id)));
            break;
          case 'concat':
            values.set(
              layer.output.id,
              tf.concat(
                layer.inputs.map((v) => get(v.id)),
                3,
              ),
            );
            break;
          case 'upsample': {
            const source = get(layer.input.id);
            const size: [number, number] = [source.shape[1] * layer.factor, source.shape[2] * layer.factor];
            values.set(layer.output.id, tf.image.resizeNearestNeighbor(source, size, false, false));
            break;
          }
        }
      }
      return this.graph.levels.map((level) => ({ stride: level.stride, output: get(level.value.id) }));
    });
  }

  /**
   * Inference on an NHWC batch, head levels flattened into [batch, cells, 5 + classes]: cells of
   * each level in row-major order, levels by ascending stride. The ONNX export has this output.
   */
  predict(input: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => flattenHeadLevels(this.forward(input), headChannels(this.spec)));
  }

  /** A copy of every weight (including batch-norm running statistics) as plain arrays. */
  getWeights(): DetectorWeights {
    const weights: DetectorWeights = {};
    for (const [name, variable] of this.variables) {
      weights[name] = { shape: [...variable.shape], values: Float32Array.from(variable.dataSync() as Float32Array) };
    }
    return weights;
  }

  /** Replaces every weight (e.g. to resume a checkpoint); the weights must fit the spec. */
  setWeights(weights: DetectorWeights): void {
    assertWeightsMatchSpec(this.graph, weights);
    for (const [name, variable] of this.variables) {
      const weight = weights[name];
      if (weight !== undefined) {
        tf.tidy(() => variable.assign(tf.tensor(weight.values, variable.shape, 'float32')));
      }
    }
  }

  /** Tensors held by the inference cache (folded kernels and biases), for leak checks. */
  foldedTensorCount(): number {
    return this.folded === undefined ? 0 : 2 * this.folded.size;
  }

  dispose(): void {
    this.dropFolded();
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
  }

  /** Ratio of the input size to the smallest feature map. */
  totalStride(): number {
    return this.spec.backbone.stages.reduce((stride, stage) => stride * stage.stride, 1);
  }

  private variable(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`model has no weight ${name}`);
    return variable;
  }

  private trainingConv(layer: ConvLayer, x: tf.Tensor4D): tf.Tensor4D {
    let y = tf.conv2d(x, this.variable(`${layer.name}.kernel`) as tf.Tensor4D, layer.stride, convPadding(layer));
    if (layer.batchNorm) {
      const runningMean = this.variable(`${layer.name}.bn.mean`);
      const runningVariance = this.variable(`${layer.name}.bn.variance`);
      y = batchNormTraining(
        y,
        this.variable(`${layer.name}.bn.gamma`) as tf.Tensor1D,
        this.variable(`${layer.name}.bn.beta`) as tf.Tensor1D,
        ({ mean, variance, count }) => {
          const m = this.momentum;
          const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
          runningMean.assign(tf.add(tf.mul(runningMean, m), tf.mul(mean, 1 - m)));
          runningVariance.assign(tf.add(tf.mul(runningVariance, m), tf.mul(unbiased, 1 - m)));
        },
      );
    }
    if (layer.bias) {
      y = tf.add(y, this.variable(`${layer.name}.bias`));
    }
    return activate(y, layer.activation);
  }

  private inferenceConv(layer: ConvLayer, x: tf.Tensor4D): tf.Tensor4D {
    const folded = this.folded?.get(layer.name);
    if (folded === undefined) throw new Error(`no folded weights for ${layer.name}`);
    const y = tf.fused.conv2d({
      x,
      filter: folded.kernel,
      strides: layer.stride,
      pad: convPadding(layer),
      bias: folded.bias,
      activation: fusedActivation(layer.activation),
      leakyreluAlpha: LEAKY_RELU_ALPHA,
    });
    return layer.activation === 'silu' ? activate(y, 'silu') : y;
  }

  /** kernel·γ/√(σ²+ε) and β − μ·γ/√(σ²+ε) (+ bias) per conv: what inference and ONNX export run. */
  private foldBatchNorm(): Map<string, { kernel: tf.Tensor4D; bias: tf.Tensor1D }> {
    const folded = new Map<string, { kernel: tf.Tensor4D; bias: tf.Tensor1D }>();
    for (const layer of this.graph.layers) {
      if (layer.kind !== 'conv') continue;
      folded.set(
        layer.name,
        tf.tidy(() => {
          const kernel = this.variable(`${layer.name}.kernel`) as tf.Tensor4D;
          const out = layer.output.shape.channels;
          if (!layer.batchNorm) {
            const bias = layer.bias ? this.variable(`${layer.name}.bias`) : tf.zeros([out]);
            return { kernel: tf.keep(kernel.clone()), bias: tf.keep(bias.clone() as tf.Tensor1D) };
          }
          const scale = tf.mul(
            this.variable(`${layer.name}.bn.gamma`),
            tf.rsqrt(tf.add(this.variable(`${layer.name}.bn.variance`), BATCH_NORM_EPSILON)),
          );
          let bias = tf.sub(this.variable(`${layer.name}.bn.beta`), tf.mul(this.variable(`${layer.name}.bn.mean`), scale));
          if (layer.bias) bias = tf.add(bias, this.variable(`${layer.name}.bias`));
          return { kernel: tf.keep(tf.mul(kernel, scale) as tf.Tensor4D), bias: tf.keep(bias as tf.Tensor1D) };
        }),
      );
    }
    return folded;
  }

  private foldedIsCurrent(): boolean {
    if (this.folded === undefined) return false;
    let i = 0;
    for (const variable of this.variables.values()) {
      if (variable.dataId !== this.foldedFrom[i++]) return false;
    }
    return true;
  }

  private dropFolded(): void {
    if (this.folded === undefined) return;
    for (const { kernel, bias } of this.folded.values()) {
      kernel.dispose();
      bias.dispose();
    }
    this.folded = undefined;
  }
}

/** [batch, h, w, K] per level → [batch, Σ h·w, K], levels in the given order. */
export function flattenHeadLevels(levels: HeadLevelOutput[], channels: number): tf.Tensor3D {
  return tf.tidy(() => {
    const flat = levels.map(({ output }) => tf.reshape(output, [output.shape[0], -1, channels]) as tf.Tensor3D);
    return flat.length === 1 ? (flat[0] as tf.Tensor3D) : tf.concat(flat, 1);
  });
}
