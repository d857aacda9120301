import * as tf from '@tensorflow/tfjs-core';
import { ArchitectureSpec, BlockType, inputChannels, validateSpec } from './architecture-spec';
import { selectTfBackend } from './backend';
import { BATCH_NORM_EPSILON, batchNormTraining } from './batch-norm.op';
import { graphWeightShapes } from './detector-graph';
import { DetectorModel } from './detector-model';
import { DetectorWeightsError, initDetectorWeights } from './detector-weights';
import { silentVisionLogger } from './vision-logger.port';

function smallSpec(block: BlockType, overrides: Partial<ArchitectureSpec> = {}): ArchitectureSpec {
  return validateSpec({
    specVersion: 1,
    name: `small-${block}`,
    input: { height: 16, width: 24, channels: 1 },
    template: 'stack',
    backbone: {
      stages: [
        { depth: 1, width: 6, kernelSize: 3, stride: 2, activation: 'relu', block },
        { depth: 1, width: 8, kernelSize: 5, stride: 2, activation: 'silu', block },
        { depth: 1, width: 10, kernelSize: 3, stride: 2, activation: 'leaky', block },
      ],
    },
    neck: { type: 'fpn-lite', width: 6, kernelSize: 3, activation: 'relu6' },
    head: { style: 'centerness', strides: [4, 8], depth: 1, width: 6, kernelSize: 3, activation: 'relu' },
    classes: ['a', 'b'],
    ...overrides,
  });
}

function randomInput(spec: ArchitectureSpec, batch: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([batch, spec.input.height, spec.input.width, inputChannels(spec)], 0, 1, 'float32', seed);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return worst;
}

/** Gradients of Σ w·output (training mode) with respect to every trainable weight, as plain arrays. */
function trainingGradients(model: DetectorModel, input: tf.Tensor4D): Map<string, Float32Array> {
  const variables = model.trainableVariables();
  const { value, grads } = tf.variableGrads(() => {
    const outputs = model.forward(input, { training: true });
    return tf.addN(
      outputs.map(({ output }, i) => tf.sum(tf.mul(output, tf.randomUniform(output.shape, 0.5, 1.5, 'float32', 7 + i)))),
    ) as tf.Scalar;
  }, [...variables.values()]);
  const byName = new Map<string, Float32Array>();
  for (const [name, variable] of variables) {
    const grad = grads[variable.name];
    if (grad === undefined) throw new Error(`no gradient for ${name}`);
    byName.set(name, grad.dataSync() as Float32Array);
  }
  tf.dispose([value, ...Object.values(grads)]);
  return byName;
}

describe('DetectorModel', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });
  afterEach(async () => {
    await tf.setBackend('wasm');
  });

  it.each<BlockType>(['plain', 'residual', 'csp'])('gives one raw output per head stride (%s blocks)', (block) => {
    const spec = smallSpec(block);
    const model = DetectorModel.create(spec, 1);
    const before = tf.memory().numTensors;
    expect(before).toBeGreaterThanOrEqual(graphWeightShapes(model.graph).length);
    const input = randomInput(spec, 2, 3);
    const outputs = model.forward(input);
    expect(outputs.map((o) => [o.stride, o.output.shape])).toEqual([
      [4, [2, 4, 6, 7]],
      [8, [2, 2, 3, 7]],
    ]);
    const flat = model.predict(input);
    expect(flat.shape).toEqual([2, 4 * 6 + 2 * 3, 7]);
    // The flattened output is the levels' cells in row-major order, stride 4 first.
    const level8 = outputs[1]?.output.arraySync()[1]?.[1]?.[2];
    expect(Array.from(flat.arraySync()[1]?.[24 + 1 * 3 + 2] ?? [])).toEqual(level8);
    tf.dispose([input, flat, ...outputs.map((o) => o.output)]);
    expect(tf.memory().numTensors).toBe(before + model.foldedTensorCount());
    model.dispose();
    expect(tf.memory().numTensors).toBe(before - [...graphWeightShapes(model.graph)].length);
  });

  it('initialises deterministically by seed, with prior-biased predictions', () => {
    const spec = smallSpec('csp');
    const a = initDetectorWeights(spec, 42);
    const b = initDetectorWeights(spec, 42);
    const c = initDetectorWeights(spec, 43);
    const kernel = 'backbone.stages.1.csp.blocks.0.conv2.kernel';
    expect(a[kernel]?.values).toEqual(b[kernel]?.values);
    expect(a[kernel]?.values).not.toEqual(c[kernel]?.values);
    // He-normal: std √(2 / fan-in) with fan-in 5·5·4.
    const values = Array.from(a[kernel]?.values ?? []);
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std).toBeGreaterThan(0.5 * Math.sqrt(2 / 100));
    expect(std).toBeLessThan(1.5 * Math.sqrt(2 / 100));
    const bias = Array.from(a['head.s4.predict.bias']?.values ?? []);
    expect(bias.slice(0, 3).every((v) => Math.abs(v - Math.log(0.01 / 0.99)) < 1e-5)).toBe(true);
    expect(bias.slice(3)).toEqual([0, 0, 0, 0]);
  });

  it.each<BlockType>(['plain', 'residual', 'csp'])('trains on wasm with the same gradients as on cpu (%s blocks)', async (block) => {
    const spec = smallSpec(block);
    const weights = initDetectorWeights(spec, 5);
    await tf.setBackend('cpu');
    const cpuModel = DetectorModel.fromWeights(spec, weights);
    const cpuInput = randomInput(spec, 2, 11);
    const expected = trainingGradients(cpuModel, cpuInput);
    const cpuRunning = cpuModel.getWeights();
    tf.dispose(cpuInput);
    cpuModel.dispose();

    await tf.setBackend('wasm');
    const model = DetectorModel.fromWeights(spec, weights);
    const input = randomInput(spec, 2, 11);
    const actual = trainingGradients(model, input);
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, grad] of actual) {
      const reference = expected.get(name) ?? new Float32Array();
      const scale = Math.max(1, ...Array.from(reference, Math.abs));
      expect({ name, relativeError: maxAbsDiff(grad, reference) / scale }).toEqual({ name, relativeError: expect.any(Number) });
      expect(maxAbsDiff(grad, reference) / scale).toBeLessThan(1e-4);
    }
    // Both moved the batch-norm running statistics identically.
    const running = model.getWeights();
    expect(
      maxAbsDiff(
        running['backbone.stages.2.down.bn.variance']?.values ?? [],
        cpuRunning['backbone.stages.2.down.bn.variance']?.values ?? [],
      ),
    ).toBeLessThan(1e-5);
    tf.dispose(input);
    model.dispose();
  });

  it('batch-norm training gradient equals autodiff through the moments', () => {
    const x = tf.randomNormal([3, 4, 5, 6], 0.5, 2, 'float32', 1) as tf.Tensor4D;
    const gamma = tf.randomUniform([6], 0.5, 1.5, 'float32', 2) as tf.Tensor1D;
    const beta = tf.randomNormal([6], 0, 1, 'float32', 3) as tf.Tensor1D;
    const w = tf.randomUniform(x.shape, -1, 1, 'float32', 4);
    const objective = (bn: (a: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(bn(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D), w));
    const ours = tf.grads(objective((a, g, b) => batchNormTraining(a, g, b, () => undefined)))([x, gamma, beta]);
    const reference = tf.grads(
      objective((a, g, b) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, BATCH_NORM_EPSILON))), g), b);
      }),
    )([x, gamma, beta]);
    ours.forEach((g, i) => expect(maxAbsDiff(g.dataSync(), reference[i]?.dataSync() ?? [])).toBeLessThan(1e-4));
    tf.dispose([x, gamma, beta, w, ...ours, ...reference]);
  });

  it('moves running statistics in training mode and uses them in inference mode', () => {
    // One conv with batch norm, then the prediction: inference equals training-mode normalisation
    // exactly when the running statistics are the batch's.
    const spec = smallSpec('plain', {
      backbone: { stages: [{ depth: 0, width: 4, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' }] },
      neck: { type: 'none', width: 4, kernelSize: 3, activation: 'relu' },
      head: { style: 'objectness', strides: [2], depth: 0, width: 4, kernelSize: 3, activation: 'relu' },
    });
    const weights = initDetectorWeights(spec, 9);
    const input = randomInput(spec, 3, 4);
    const batch = tf.tidy(() =>
      tf.moments(
        tf.conv2d(input, tf.tensor4d(weights['backbone.stages.0.down.kernel']?.values ?? [], [3, 3, 2, 4]), 2, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
        [0, 1, 2],
      ),
    );
    const mean = batch.mean.dataSync() as Float32Array;
    const variance = batch.variance.dataSync() as Float32Array;
    const model = DetectorModel.fromWeights(spec, {
      ...weights,
      'backbone.stages.0.down.bn.mean': { shape: [4], values: mean },
      'backbone.stages.0.down.bn.variance': { shape: [4], values: variance },
    });
    const inference = model.predict(input);
    const training = tf.tidy(() => {
      const [level] = model.forward(input, { training: true });
      return level ? tf.reshape(level.output, [3, -1, 7]) : tf.zeros([1]);
    });
    expect(maxAbsDiff(inference.dataSync(), training.dataSync())).toBeLessThan(1e-4);
    // Running mean ← 0.9·mean + 0.1·batch mean; running variance uses the unbiased batch variance.
    const n = 3 * 8 * 12;
    const after = model.getWeights();
    expect(maxAbsDiff(after['backbone.stages.0.down.bn.mean']?.values ?? [], mean)).toBeLessThan(1e-5);
    expect(
      maxAbsDiff(
        after['backbone.stages.0.down.bn.variance']?.values ?? [],
        variance.map((v) => 0.9 * v + 0.1 * v * (n / (n - 1))),
      ),
    ).toBeLessThan(1e-5);
    // The folded inference weights follow the change.
    const again = model.predict(input);
    expect(maxAbsDiff(again.dataSync(), inference.dataSync())).toBeGreaterThan(0);
    tf.dispose([input, batch.mean, batch.variance, inference, training, again]);
    model.dispose();
  });

  it('fits a batch in a few Adam steps on wasm', () => {
    const spec = smallSpec('residual');
    const model = DetectorModel.create(spec, 3);
    const input = randomInput(spec, 2, 8);
    const target = tf.randomUniform([2, 30, 7], -1, 1, 'float32', 9);
    const optimizer = tf.train.adam(0.05);
    const losses: number[] = [];
    const tensorsAfterStep: number[] = [];
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(
        () => {
          const outputs = model.forward(input, { training: true });
          const flat = tf.concat(
            outputs.map(({ output }) => tf.reshape(output, [2, -1, 7])),
            1,
          );
          return tf.mean(tf.square(tf.sub(flat, target))) as tf.Scalar;
        },
        true,
        [...model.trainableVariables().values()],
      );
      losses.push(loss?.dataSync()[0] ?? NaN);
      loss?.dispose();
      tensorsAfterStep.push(tf.memory().numTensors);
    }
    // No leak: after Adam has created its slots, a step leaves as many tensors as it found.
    expect(tensorsAfterStep[14]).toBe(tensorsAfterStep[1]);
    expect(losses[14]).toBeLessThan(0.5 * (losses[0] ?? 0));
    optimizer.dispose();
    tf.dispose([input, target]);
    model.dispose();
  });

  it('round-trips weights and refuses weights that do not fit', () => {
    const spec = smallSpec('plain');
    const model = DetectorModel.create(spec, 1);
    const other = DetectorModel.create(spec, 2);
    other.setWeights(model.getWeights());
    expect(other.getWeights()).toEqual(model.getWeights());
    const weights = model.getWeights();
    delete weights['neck.fuse.s4.bn.beta'];
    expect(() => model.setWeights(weights)).toThrow(DetectorWeightsError);
    expect(() =>
      DetectorModel.fromWeights(spec, { ...model.getWeights(), 'head.s8.predict.bias': { shape: [5], values: new Float32Array(5) } }),
    ).toThrow('weights do not fit the architecture: head.s8.predict.bias has shape [5], the spec needs [7]');
    expect(() => model.forward(tf.zeros([1, 16, 24, 1]))).toThrow(
      "input must be NHWC [batch, height, width, 2] with height and width multiples of 8 (the spec's size is 16×24), got [1, 16, 24, 1]",
    );
    expect(() => model.forward(tf.zeros([1, 16, 20, 2]))).toThrow('got [1, 16, 20, 2]');
    // Fully convolutional: a larger multiple of the total stride (e.g. a training crop) works.
    const outputs = model.forward(tf.zeros([1, 32, 8, 2]));
    expect(outputs.map((o) => o.output.shape)).toEqual([
      [1, 8, 2, 7],
      [1, 4, 1, 7],
    ]);
    model.dispose();
    other.dispose();
  });
});
