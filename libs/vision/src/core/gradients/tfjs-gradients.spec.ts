import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { argusGradientConfigs, registerTfjsGradients } from './tfjs-gradients.registry';

/** Deterministic values in [lo, hi) (mulberry32). */
function values(count: number, seed: number, lo = -1, hi = 1): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  });
}

function at<T>(items: ArrayLike<T>, index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`index ${index} out of range`);
  return item;
}

interface InputSpec {
  shape: number[];
  lo?: number;
  hi?: number;
  /** Values picked by hand (e.g. to stay clear of a kink). */
  data?: number[];
}

/**
 * Checks tfjs's analytic gradient of sum(op(inputs) · w) against central finite differences,
 * element by element, for every input.
 */
function checkGradient(op: (...xs: tf.Tensor[]) => tf.Tensor, specs: InputSpec[], seed = 1): void {
  const inputs = specs.map(
    (s, i) =>
      s.data ??
      values(
        s.shape.reduce((a, b) => a * b, 1),
        seed + 17 * i,
        s.lo,
        s.hi,
      ),
  );
  const toTensors = (data: number[][]): tf.Tensor[] => data.map((d, i) => tf.tensor(d, at(specs, i).shape));
  const weights = tf.tidy(() => {
    const probe = op(...toTensors(inputs));
    return tf.keep(tf.tensor(values(probe.size, seed + 999, 0.5, 1.5), probe.shape));
  });
  const objective = (...xs: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(op(...xs), weights));
  const analytic = tf.tidy(() =>
    tf
      .grads(objective)(toTensors(inputs))
      .map((g) => Array.from(g.dataSync())),
  );
  const h = 1e-2;
  inputs.forEach((data, which) => {
    const numeric = data.map((_v, k) => {
      const objectiveAt = (delta: number): number =>
        tf.tidy(() => {
          const shifted = inputs.map((d) => d.slice());
          at(shifted, which)[k] = at(data, k) + delta;
          return at(objective(...toTensors(shifted)).dataSync(), 0);
        });
      return (objectiveAt(h) - objectiveAt(-h)) / (2 * h);
    });
    const scale = Math.max(1, ...numeric.map(Math.abs));
    const worst = Math.max(...numeric.map((n, k) => Math.abs(n - at(at(analytic, which), k))));
    expect({ input: which, error: worst / scale < 2e-2 ? 'ok' : worst / scale }).toEqual({ input: which, error: 'ok' });
  });
  weights.dispose();
}

const positive = (shape: number[]): InputSpec => ({ shape, lo: 0.5, hi: 2 });
const any = (shape: number[]): InputSpec => ({ shape });
// Values at least 0.1 away from 0 (and 6), where relu-like functions have kinks.
const awayFromKinks = (shape: number[]): InputSpec => ({
  shape,
  data: values(
    shape.reduce((a, b) => a * b, 1),
    5,
    -1,
    1,
  ).map((v) => (v < 0 ? v - 0.1 : v + 0.1) * 4),
});

describe('Argus tfjs gradients', () => {
  beforeAll(async () => {
    registerTfjsGradients();
    await tf.setBackend('cpu');
  });

  it('registers one gradient per kernel, idempotently', () => {
    const names = argusGradientConfigs.map((c) => c.kernelName);
    expect(new Set(names).size).toBe(names.length);
    registerTfjsGradients();
    for (const name of names) {
      expect(tf.getGradient(name)).toBeDefined();
    }
  });

  // (The .slice() before .reverse() matters: tfjs's tape keeps the very array a multi-output op returns.)
  const unary: Array<[string, (x: tf.Tensor) => tf.Tensor, InputSpec]> = [
    ['abs', tf.abs, awayFromKinks([2, 3])],
    ['neg', tf.neg, any([5])],
    ['exp', tf.exp, any([5])],
    ['expm1', tf.expm1, any([5])],
    ['log', tf.log, positive([5])],
    ['log1p', tf.log1p, positive([5])],
    ['sqrt', tf.sqrt, positive([5])],
    ['rsqrt', tf.rsqrt, positive([5])],
    ['square', tf.square, any([5])],
    ['reciprocal', tf.reciprocal, positive([5])],
    ['sigmoid', tf.sigmoid, any([6])],
    ['tanh', tf.tanh, any([6])],
    ['softplus', tf.softplus, any([6])],
    ['atan', tf.atan, any([6])],
    ['sin', tf.sin, any([6])],
    ['cos', tf.cos, any([6])],
    ['relu', tf.relu, awayFromKinks([8])],
    ['relu6', tf.relu6, { shape: [6], data: [-2, -0.5, 0.5, 3, 5.5, 7] }],
    ['leakyRelu', (x) => tf.leakyRelu(x, 0.1), awayFromKinks([8])],
    ['elu', tf.elu, awayFromKinks([8])],
    ['clipByValue', (x) => tf.clipByValue(x, -0.5, 0.5), { shape: [5], data: [-0.9, -0.3, 0.1, 0.4, 0.8] }],
    ['clone (Identity)', (x) => tf.clone(x), any([4])],
    ['sum', (x) => tf.sum(x, 1), any([2, 3, 2])],
    ['sum all', (x) => tf.sum(x), any([2, 3])],
    ['mean', (x) => tf.mean(x, [0, 2]), any([2, 3, 2])],
    ['max', (x) => tf.max(x, 1), any([3, 4])],
    ['min', (x) => tf.min(x, 0), any([3, 4])],
    ['reshape', (x) => tf.reshape(x, [3, 4]), any([2, 6])],
    ['expandDims', (x) => tf.expandDims(x, 1), any([2, 3])],
    ['transpose', (x) => tf.transpose(x, [2, 0, 1]), any([2, 3, 4])],
    ['reverse', (x) => tf.reverse(x, [1]), any([2, 3])],
    ['split + concat', (x) => tf.concat(tf.split(x, [1, 2], 1).slice().reverse(), 1), any([2, 3])],
    ['unstack + stack', (x) => tf.stack(tf.unstack(x, 1).slice().reverse(), 0), any([2, 3])],
    ['slice', (x) => tf.slice(x, [1, 0], [1, 2]), any([3, 3])],
    [
      'pad',
      (x) =>
        tf.pad(x, [
          [1, 0],
          [0, 2],
        ]),
      any([2, 2]),
    ],
    ['tile', (x) => tf.tile(x, [2, 3]), any([2, 2])],
    ['broadcastTo', (x) => tf.broadcastTo(x, [2, 3, 4]), any([3, 1])],
    ['gather', (x) => tf.gather(x, tf.tensor1d([2, 0, 2], 'int32'), 1), any([2, 3])],
    ['softmax', (x) => tf.softmax(x), any([2, 4])],
    ['logSoftmax', (x) => tf.logSoftmax(x), any([2, 4])],
    ['resizeNearestNeighbor', (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 4]), any([1, 3, 2, 2])],
    // Square on purpose: tfjs-backend-cpu 4.22's ResizeBilinearGrad kernel swaps height and width.
    ['resizeBilinear', (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [5, 5]), any([1, 3, 3, 2])],
    ['maxPool', (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), any([1, 4, 4, 2])],
    ['avgPool', (x) => tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), any([1, 4, 4, 2])],
  ];
  it.each(unary)('%s', (_name, op, spec) => checkGradient(op, [spec]));

  const binary: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, InputSpec, InputSpec]> = [
    ['add (broadcast)', tf.add, any([2, 3]), any([3])],
    ['sub (broadcast)', tf.sub, any([2, 1]), any([2, 3])],
    ['mul (broadcast)', tf.mul, any([2, 3]), any([2, 1])],
    ['div (broadcast)', tf.div, any([2, 3]), positive([3])],
    ['maximum', tf.maximum, any([6]), { shape: [6], data: [0.5, -0.5, 0.2, 0.9, -0.9, 0] }],
    ['minimum', tf.minimum, any([6]), { shape: [6], data: [0.5, -0.5, 0.2, 0.9, -0.9, 0] }],
    ['squaredDifference', tf.squaredDifference, any([2, 3]), any([2, 3])],
    ['atan2', tf.atan2, positive([4]), any([4])],
    ['pow', tf.pow, positive([2, 2]), any([2, 2])],
    ['addN', (a, b) => tf.addN([a, b, a]), any([3]), any([3])],
    ['where', (a, b) => tf.where(tf.greater(a, b), a, b), any([6]), { shape: [6], data: [0.5, -0.5, 0.2, 0.9, -0.9, 0] }],
    ['matMul', (a, b) => tf.matMul(a, b), any([2, 3]), any([3, 4])],
    ['matMul tA', (a, b) => tf.matMul(a, b, true, false), any([3, 2]), any([3, 4])],
    ['matMul tB', (a, b) => tf.matMul(a, b, false, true), any([2, 3]), any([4, 3])],
    ['matMul tA tB', (a, b) => tf.matMul(a, b, true, true), any([3, 2]), any([4, 3])],
    ['conv2d same s2', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), any([2, 5, 4, 2]), any([3, 3, 2, 3])],
    ['conv2d valid s1', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'), any([1, 4, 4, 1]), any([3, 3, 1, 2])],
  ];
  it.each(binary)('%s', (_name, op, a, b) => checkGradient(op, [a, b]));

  it('batchNorm (given statistics)', () => {
    checkGradient(
      (x, mean, variance, offset, scale) => tf.batchNorm(x, mean, variance, offset, scale, 1e-3),
      [any([2, 2, 2, 3]), any([3]), positive([3]), any([3]), any([3])],
    );
  });
});
