import { Activation, ArchitectureSpec, headChannels, inputChannels, StageSpec, stageStrides } from './architecture-spec';

/**
 * The network an ArchitectureSpec describes, as a flat list of layers in execution order. The
 * TF.js model, the ONNX exporter and the parameter/MAC counters all walk this one list, so they
 * cannot disagree about the architecture.
 */

/** Shape of one image's feature map (the batch dimension is implicit). */
export interface FeatureShape {
  height: number;
  width: number;
  channels: number;
}

export interface GraphValue {
  id: string;
  shape: FeatureShape;
}

/** conv → (batch-norm) → (activation); the head's prediction is a plain conv with a bias. */
export interface ConvLayer {
  kind: 'conv';
  /** Weight-name prefix: `<name>.kernel` [k, k, in, out], `<name>.bn.{gamma,beta,mean,variance}`, `<name>.bias`. */
  name: string;
  input: GraphValue;
  output: GraphValue;
  kernelSize: number;
  stride: number;
  /** Zero padding on every side: (kernelSize − 1) / 2. */
  pad: number;
  batchNorm: boolean;
  bias: boolean;
  activation: Activation | 'none';
}

export interface AddLayer {
  kind: 'add';
  inputs: [GraphValue, GraphValue];
  output: GraphValue;
}

/** Concatenation along channels. */
export interface ConcatLayer {
  kind: 'concat';
  inputs: GraphValue[];
  output: GraphValue;
}

/** Nearest-neighbour upsampling by an integer factor (pixel (y, x) ← (⌊y/f⌋, ⌊x/f⌋)). */
export interface UpsampleLayer {
  kind: 'upsample';
  input: GraphValue;
  factor: number;
  output: GraphValue;
}

export type GraphLayer = ConvLayer | AddLayer | ConcatLayer | UpsampleLayer;

export interface HeadLevel {
  stride: number;
  /** The prediction: [height, width, 5 + classes] per image. */
  value: GraphValue;
}

export interface DetectorGraph {
  input: GraphValue;
  layers: GraphLayer[];
  /** Head outputs in ascending stride order (the order of the flattened output's cells). */
  levels: HeadLevel[];
}

export interface WeightShape {
  name: string;
  shape: number[];
  /** False for batch-norm running statistics (updated by training, not by gradients). */
  trainable: boolean;
}

class GraphBuilder {
  readonly layers: GraphLayer[] = [];
  private nextId = 0;

  value(shape: FeatureShape): GraphValue {
    return { id: `t${this.nextId++}`, shape };
  }

  conv(
    name: string,
    input: GraphValue,
    outChannels: number,
    kernelSize: number,
    stride: number,
    activation: Activation | 'none',
    prediction = false,
  ): GraphValue {
    const output = this.value({
      height: Math.ceil(input.shape.height / stride),
      width: Math.ceil(input.shape.width / stride),
      channels: outChannels,
    });
    this.layers.push({
      kind: 'conv',
      name,
      input,
      output,
      kernelSize,
      stride,
      pad: (kernelSize - 1) / 2,
      batchNorm: !prediction,
      bias: prediction,
      activation,
    });
    return output;
  }

  add(a: GraphValue, b: GraphValue): GraphValue {
    const output = this.value(a.shape);
    this.layers.push({ kind: 'add', inputs: [a, b], output });
    return output;
  }

  concat(inputs: GraphValue[]): GraphValue {
    const first = inputs[0];
    if (first === undefined) throw new Error('concat of nothing');
    const channels = inputs.reduce((sum, v) => sum + v.shape.channels, 0);
    const output = this.value({ ...first.shape, channels });
    this.layers.push({ kind: 'concat', inputs, output });
    return output;
  }

  upsample(input: GraphValue, factor: number): GraphValue {
    const output = this.value({
      height: input.shape.height * factor,
      width: input.shape.width * factor,
      channels: input.shape.channels,
    });
    this.layers.push({ kind: 'upsample', input, factor, output });
    return output;
  }
}

function buildStage(g: GraphBuilder, stage: StageSpec, index: number, input: GraphValue): GraphValue {
  const prefix = `backbone.stages.${index}`;
  const { width, kernelSize: k, activation: act } = stage;
  let x = g.conv(`${prefix}.down`, input, width, k, stage.stride, act);
  switch (stage.block) {
    case 'plain':
      for (let j = 0; j < stage.depth; j++) {
        x = g.conv(`${prefix}.blocks.${j}`, x, width, k, 1, act);
      }
      return x;
    case 'residual':
      for (let j = 0; j < stage.depth; j++) {
        const y = g.conv(`${prefix}.blocks.${j}.conv1`, x, width, k, 1, act);
        x = g.add(x, g.conv(`${prefix}.blocks.${j}.conv2`, y, width, k, 1, act));
      }
      return x;
    case 'csp': {
      if (stage.depth === 0) return x;
      const half = width / 2;
      let main = g.conv(`${prefix}.csp.main`, x, half, 1, 1, act);
      const shortcut = g.conv(`${prefix}.csp.shortcut`, x, half, 1, 1, act);
      for (let j = 0; j < stage.depth; j++) {
        const y = g.conv(`${prefix}.csp.blocks.${j}.conv1`, main, half, 1, 1, act);
        main = g.add(main, g.conv(`${prefix}.csp.blocks.${j}.conv2`, y, half, k, 1, act));
      }
      return g.conv(`${prefix}.csp.fuse`, g.concat([main, shortcut]), width, 1, 1, act);
    }
  }
}

/** Builds the layer list of a (validated) spec. */
export function buildDetectorGraph(spec: ArchitectureSpec): DetectorGraph {
  const g = new GraphBuilder();
  const input = g.value({ height: spec.input.height, width: spec.input.width, channels: inputChannels(spec) });

  // Backbone: keep the last feature map at each output stride.
  const features = new Map<number, GraphValue>();
  const strides = stageStrides(spec.backbone.stages);
  let x = input;
  spec.backbone.stages.forEach((stage, i) => {
    x = buildStage(g, stage, i, x);
    features.set(strides[i] ?? 1, x);
  });
  const feature = (stride: number): GraphValue => {
    const value = features.get(stride);
    if (value === undefined) throw new Error(`no backbone feature at stride ${stride}`);
    return value;
  };

  // Neck: top-down from the deepest stage through every head stride.
  const headStrides = [...spec.head.strides].sort((a, b) => a - b);
  const levelInputs = new Map<number, GraphValue>();
  if (spec.neck.type === 'none') {
    for (const s of headStrides) levelInputs.set(s, feature(s));
  } else {
    const deepest = strides[strides.length - 1] ?? 1;
    const { width, kernelSize, activation } = spec.neck;
    const path = [...new Set([deepest, ...headStrides])].sort((a, b) => b - a);
    let previousStride = deepest;
    let p = g.conv(`neck.lateral.s${deepest}`, feature(deepest), width, 1, 1, activation);
    levelInputs.set(deepest, p);
    for (const s of path.slice(1)) {
      const up = g.upsample(p, previousStride / s);
      const lateral = g.conv(`neck.lateral.s${s}`, feature(s), width, 1, 1, activation);
      p = g.conv(`neck.fuse.s${s}`, g.concat([up, lateral]), width, kernelSize, 1, activation);
      levelInputs.set(s, p);
      previousStride = s;
    }
  }

  // Head: per stride, `depth` convolutions and the prediction.
  const levels = headStrides.map((stride): HeadLevel => {
    let h = levelInputs.get(stride);
    if (h === undefined) throw new Error(`no neck output at stride ${stride}`);
    for (let j = 0; j < spec.head.depth; j++) {
      h = g.conv(`head.s${stride}.convs.${j}`, h, spec.head.width, spec.head.kernelSize, 1, spec.head.activation);
    }
    return { stride, value: g.conv(`head.s${stride}.predict`, h, headChannels(spec), 1, 1, 'none', true) };
  });

  return { input, layers: g.layers, levels };
}

/** Every weight the graph needs, with its shape. */
export function graphWeightShapes(graph: DetectorGraph): WeightShape[] {
  const shapes: WeightShape[] = [];
  for (const layer of graph.layers) {
    if (layer.kind !== 'conv') continue;
    const k = layer.kernelSize;
    const out = layer.output.shape.channels;
    shapes.push({ name: `${layer.name}.kernel`, shape: [k, k, layer.input.shape.channels, out], trainable: true });
    if (layer.batchNorm) {
      shapes.push({ name: `${layer.name}.bn.gamma`, shape: [out], trainable: true });
      shapes.push({ name: `${layer.name}.bn.beta`, shape: [out], trainable: true });
      shapes.push({ name: `${layer.name}.bn.mean`, shape: [out], trainable: false });
      shapes.push({ name: `${layer.name}.bn.variance`, shape: [out], trainable: false });
    }
    if (layer.bias) {
      shapes.push({ name: `${layer.name}.bias`, shape: [out], trainable: true });
    }
  }
  return shapes;
}

/** Trainable parameters (convolution kernels and biases, batch-norm scales and offsets). */
export function countParams(spec: ArchitectureSpec): number {
  return graphWeightShapes(buildDetectorGraph(spec))
    .filter((w) => w.trainable)
    .reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
}

/** Multiply-accumulates of one image's forward pass (convolutions; adds and upsampling are negligible). */
export function countMacs(spec: ArchitectureSpec): number {
  return buildDetectorGraph(spec).layers.reduce((sum, layer) => {
    if (layer.kind !== 'conv') return sum;
    const { height, width, channels } = layer.output.shape;
    return sum + height * width * channels * layer.kernelSize * layer.kernelSize * layer.input.shape.channels;
  }, 0);
}
