import * as tf from '@tensorflow/tfjs-core';

/** A gradient function's inputs as tfjs hands them over (one dy, or one per output). */
export type Dy = tf.Tensor | tf.Tensor[];

/** The single upstream gradient of a one-output kernel. */
export function single(dy: Dy): tf.Tensor {
  if (Array.isArray(dy)) {
    const [first] = dy;
    if (first === undefined) throw new Error('gradient: no upstream gradient');
    return first;
  }
  return dy;
}

/** The n-th saved tensor, which must exist. */
export function saved(tensors: tf.Tensor[], index: number): tf.Tensor {
  const tensor = tensors[index];
  if (tensor === undefined) throw new Error(`gradient: saved tensor ${index} is missing`);
  return tensor;
}

/** Sums a broadcast gradient back down to the shape of the operand that was broadcast. */
export function unbroadcast(grad: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, grad.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(grad, axes) : grad, shape);
}

/** Gradient config for an op that is piecewise constant (comparisons, rounding): zero everywhere. */
export function zeroGradient(kernelName: string, inputNames: string[]): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: inputNames,
    gradFunc: (_dy, savedTensors) => Object.fromEntries(inputNames.map((name, i) => [name, () => tf.zerosLike(saved(savedTensors, i))])),
  };
}

/** Gradient config of a one-input elementwise op: dx = dy · f'(x, y). */
export function unaryGradient(
  kernelName: string,
  save: 'x' | 'y',
  derivative: (dy: tf.Tensor, value: tf.Tensor, attrs: tf.NamedAttrMap) => tf.Tensor,
): tf.GradConfig {
  return {
    kernelName,
    ...(save === 'x' ? { inputsToSave: ['x'] } : { outputsToSave: [true] }),
    gradFunc: (dy, savedTensors, attrs) => ({ x: () => derivative(single(dy), saved(savedTensors, 0), attrs) }),
  };
}

/** Gradient config of a broadcasting binary op: per operand the local gradient, summed back down. */
export function binaryGradient(
  kernelName: string,
  derA: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  derB: (dy: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, savedTensors) => {
      const a = saved(savedTensors, 0);
      const b = saved(savedTensors, 1);
      const g = single(dy);
      return {
        a: () => unbroadcast(derA(g, a, b), a.shape),
        b: () => unbroadcast(derB(g, a, b), b.shape),
      };
    },
  };
}

/** Gradients of a kernel whose inputs are a list (Concat, Pack, AddN): keyed by input position. */
export function byPosition(gradients: Array<() => tf.Tensor>): Record<string, () => tf.Tensor> {
  return Object.fromEntries(gradients.map((gradient, i) => [String(i), gradient]));
}
