import { onnx } from 'onnx-proto';
import { ArchitectureSpec, headChannels, LEAKY_RELU_ALPHA } from './architecture-spec';
import { BATCH_NORM_EPSILON } from './batch-norm.op';
import { buildDetectorGraph, ConvLayer, GraphValue } from './detector-graph';
import { assertWeightsMatchSpec, DetectorWeights, WeightArray } from './detector-weights';

/** Names of the exported graph's input and output. */
export const ONNX_INPUT_NAME = 'input';
export const ONNX_OUTPUT_NAME = 'head';
export const ONNX_OPSET = 13;
/** Metadata keys the export writes (ModelProto.metadata_props). */
export const ONNX_METADATA_SPEC = 'argus.spec';
export const ONNX_METADATA_HEAD_LAYOUT = 'argus.head-layout';

export interface OnnxExportOptions {
  /** Free-form model version (ModelProto.model_version). */
  modelVersion?: number;
  /** Extra metadata_props entries (training command, data fingerprint, ...). */
  metadata?: Record<string, string>;
}

/** Convolution weights with batch norm folded in, in ONNX layout: W [out, in, k, k] and B [out]. */
export interface FoldedConv {
  weight: Float32Array;
  bias: Float32Array;
}

function weight(weights: DetectorWeights, name: string): WeightArray {
  const w = weights[name];
  if (w === undefined) throw new Error(`missing weight ${name}`);
  return w;
}

/**
 * W·γ/√(σ²+ε) and β − μ·γ/√(σ²+ε) (+ bias) in float64, transposed from TF.js [k, k, in, out] to
 * ONNX [out, in, k, k].
 */
export function foldConv(layer: ConvLayer, weights: DetectorWeights): FoldedConv {
  const k = layer.kernelSize;
  const inChannels = layer.input.shape.channels;
  const out = layer.output.shape.channels;
  const kernel = weight(weights, `${layer.name}.kernel`).values;
  const scale = new Float64Array(out).fill(1);
  const shift = new Float64Array(out);
  if (layer.batchNorm) {
    const gamma = weight(weights, `${layer.name}.bn.gamma`).values;
    const beta = weight(weights, `${layer.name}.bn.beta`).values;
    const mean = weight(weights, `${layer.name}.bn.mean`).values;
    const variance = weight(weights, `${layer.name}.bn.variance`).values;
    for (let o = 0; o < out; o++) {
      scale[o] = (gamma[o] ?? 1) / Math.sqrt((variance[o] ?? 1) + BATCH_NORM_EPSILON);
      shift[o] = (beta[o] ?? 0) - (mean[o] ?? 0) * (scale[o] ?? 1);
    }
  }
  if (layer.bias) {
    const bias = weight(weights, `${layer.name}.bias`).values;
    for (let o = 0; o < out; o++) shift[o] = (shift[o] ?? 0) + (bias[o] ?? 0);
  }
  const folded = new Float32Array(out * inChannels * k * k);
  for (let y = 0; y < k; y++) {
    for (let x = 0; x < k; x++) {
      for (let i = 0; i < inChannels; i++) {
        for (let o = 0; o < out; o++) {
          const value = kernel[((y * k + x) * inChannels + i) * out + o] ?? 0;
          folded[((o * inChannels + i) * k + y) * k + x] = value * (scale[o] ?? 1);
        }
      }
    }
  }
  return { weight: folded, bias: Float32Array.from(shift) };
}

class OnnxGraphWriter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private nodeCount = 0;

  floatTensor(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
    });
    return name;
  }

  int64Tensor(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  node(opType: string, inputs: string[], output: string, attribute: onnx.IAttributeProto[] = []): string {
    this.nodes.push({ opType, input: inputs, output: [output], name: `${opType}_${this.nodeCount++}`, attribute });
    return output;
  }
}

const ints = (name: string, values: number[]): onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: values,
});
const int = (name: string, value: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
const float = (name: string, value: number): onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.FLOAT,
  f: value,
});
const string = (name: string, value: string): onnx.IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRING,
  s: new TextEncoder().encode(value),
});

function valueInfo(name: string, dims: Array<number | string>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function writeConv(w: OnnxGraphWriter, layer: ConvLayer, input: string, weights: DetectorWeights): string {
  const { weight: kernel, bias } = foldConv(layer, weights);
  const k = layer.kernelSize;
  const p = layer.pad;
  const conv = w.node(
    'Conv',
    [
      input,
      w.floatTensor(`${layer.name}.weight`, [layer.output.shape.channels, layer.input.shape.channels, k, k], kernel),
      w.floatTensor(`${layer.name}.bias`, [layer.output.shape.channels], bias),
    ],
    `${layer.name}.conv`,
    [
      ints('kernel_shape', [k, k]),
      ints('strides', [layer.stride, layer.stride]),
      ints('pads', [p, p, p, p]),
      ints('dilations', [1, 1]),
      int('group', 1),
    ],
  );
  switch (layer.activation) {
    case 'none':
      return conv;
    case 'relu':
      return w.node('Relu', [conv], `${layer.name}.relu`);
    case 'relu6':
      return w.node(
        'Clip',
        [
          conv,
          w.floatTensor(`${layer.name}.clip_min`, [], new Float32Array([0])),
          w.floatTensor(`${layer.name}.clip_max`, [], new Float32Array([6])),
        ],
        `${layer.name}.relu6`,
      );
    case 'leaky':
      return w.node('LeakyRelu', [conv], `${layer.name}.leaky`, [float('alpha', LEAKY_RELU_ALPHA)]);
    case 'silu':
      return w.node('Mul', [conv, w.node('Sigmoid', [conv], `${layer.name}.sigmoid`)], `${layer.name}.silu`);
  }
}

/**
 * The detector as an ONNX model (opset 13, NCHW, batch norm folded into the convolutions, dynamic
 * batch): input `input` [batch, C, H, W] float32 in [0, 1] (C = inputChannels(spec)); output `head`
 * [batch, cells, 5 + classes], laid out exactly as DetectorModel.predict. Returns the .onnx bytes.
 */
export function exportDetectorToOnnx(spec: ArchitectureSpec, weights: DetectorWeights, options: OnnxExportOptions = {}): Uint8Array {
  const graph = buildDetectorGraph(spec);
  assertWeightsMatchSpec(graph, weights);
  const w = new OnnxGraphWriter();
  const names = new Map<string, string>([[graph.input.id, ONNX_INPUT_NAME]]);
  const name = (value: GraphValue): string => {
    const found = names.get(value.id);
    if (found === undefined) throw new Error(`graph value ${value.id} used before it is computed`);
    return found;
  };

  graph.layers.forEach((layer, i) => {
    switch (layer.kind) {
      case 'conv':
        names.set(layer.output.id, writeConv(w, layer, name(layer.input), weights));
        break;
      case 'add':
        names.set(layer.output.id, w.node('Add', [name(layer.inputs[0]), name(layer.inputs[1])], `add_${i}`));
        break;
      case 'concat':
        names.set(layer.output.id, w.node('Concat', layer.inputs.map(name), `concat_${i}`, [int('axis', 1)]));
        break;
      case 'upsample':
        // Nearest, asymmetric, floor: output pixel (y, x) ← input (⌊y/f⌋, ⌊x/f⌋), as tfjs's
        // resizeNearestNeighbor without align-corners or half-pixel centres.
        names.set(
          layer.output.id,
          w.node(
            'Resize',
            [name(layer.input), '', w.floatTensor(`upsample_${i}.scales`, [4], new Float32Array([1, 1, layer.factor, layer.factor]))],
            `upsample_${i}`,
            [string('mode', 'nearest'), string('coordinate_transformation_mode', 'asymmetric'), string('nearest_mode', 'floor')],
          ),
        );
        break;
    }
  });

  // Head: NCHW → NHWC → [batch, h·w, K] per level, then levels along the cell axis.
  const channels = headChannels(spec);
  const shape = w.int64Tensor('head.reshape_shape', [0, -1, channels]);
  const single = graph.levels.length === 1;
  const flattened = graph.levels.map((level) => {
    const nhwc = w.node('Transpose', [name(level.value)], `head.s${level.stride}.nhwc`, [ints('perm', [0, 2, 3, 1])]);
    return w.node('Reshape', [nhwc, shape], single ? ONNX_OUTPUT_NAME : `head.s${level.stride}.flat`);
  });
  if (!single) {
    w.node('Concat', flattened, ONNX_OUTPUT_NAME, [int('axis', 1)]);
  }
  const cells = graph.levels.reduce((sum, level) => sum + level.value.shape.height * level.value.shape.width, 0);

  const model: onnx.IModelProto = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'argus',
    producerVersion: '1',
    modelVersion: options.modelVersion ?? 1,
    docString: `Argus detector ${spec.name}: input [batch, C, H, W] floats in [0, 1]; output [batch, cells, 5 + classes]`,
    graph: {
      name: spec.name,
      node: w.nodes,
      initializer: w.initializers,
      input: [valueInfo(ONNX_INPUT_NAME, ['batch', graph.input.shape.channels, graph.input.shape.height, graph.input.shape.width])],
      output: [valueInfo(ONNX_OUTPUT_NAME, ['batch', cells, channels])],
    },
    metadataProps: [
      { key: ONNX_METADATA_SPEC, value: JSON.stringify(spec) },
      {
        key: ONNX_METADATA_HEAD_LAYOUT,
        value: JSON.stringify({
          channels: ['objectness', ...spec.classes.map((c) => `class:${c}`), 'l', 't', 'r', 'b'],
          levels: graph.levels.map((l) => ({ stride: l.stride, height: l.value.shape.height, width: l.value.shape.width })),
        }),
      },
      ...Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    ],
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
