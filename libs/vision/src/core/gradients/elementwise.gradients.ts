import * as tf from '@tensorflow/tfjs-core';
import { binaryGradient, byPosition, saved, single, unaryGradient, unbroadcast, zeroGradient } from './gradient-config.helpers';

const f32 = (t: tf.Tensor): tf.Tensor => (t.dtype === 'float32' ? t : tf.cast(t, 'float32'));

/** Gradients of elementwise ops (activations, arithmetic, comparisons), as in tfjs-core 4.22. */
export const elementwiseGradientConfigs: tf.GradConfig[] = [
  unaryGradient(tf.Abs, 'x', (dy, x) => tf.mul(dy, tf.step(f32(x), -1))),
  unaryGradient(tf.Neg, 'x', (dy) => tf.neg(dy)),
  unaryGradient(tf.Exp, 'y', (dy, y) => tf.mul(dy, y)),
  unaryGradient(tf.Expm1, 'x', (dy, x) => tf.mul(dy, tf.exp(x))),
  unaryGradient(tf.Log, 'x', (dy, x) => tf.div(dy, f32(x))),
  unaryGradient(tf.Log1p, 'x', (dy, x) => tf.div(dy, tf.add(x, 1))),
  unaryGradient(tf.Sqrt, 'x', (dy, x) => tf.div(dy, tf.mul(tf.sqrt(f32(x)), 2))),
  unaryGradient(tf.Rsqrt, 'x', (dy, x) => tf.neg(tf.div(dy, tf.mul(tf.pow(x, 1.5), 2)))),
  unaryGradient(tf.Square, 'x', (dy, x) => tf.mul(dy, tf.mul(f32(x), 2))),
  unaryGradient(tf.Reciprocal, 'x', (dy, x) => tf.div(dy, tf.neg(tf.square(x)))),
  unaryGradient(tf.Sigmoid, 'y', (dy, y) => tf.mul(dy, tf.mul(y, tf.sub(1, y)))),
  unaryGradient(tf.Tanh, 'y', (dy, y) => tf.mul(dy, tf.sub(1, tf.square(y)))),
  unaryGradient(tf.Softplus, 'x', (dy, x) => tf.mul(dy, tf.sigmoid(x))),
  unaryGradient(tf.Atan, 'x', (dy, x) => tf.div(dy, tf.add(tf.square(f32(x)), 1))),
  unaryGradient(tf.Sin, 'x', (dy, x) => tf.mul(dy, tf.cos(f32(x)))),
  unaryGradient(tf.Cos, 'x', (dy, x) => tf.neg(tf.mul(dy, tf.sin(f32(x))))),
  unaryGradient(tf.Relu, 'x', (dy, x) => tf.mul(dy, tf.step(f32(x)))),
  unaryGradient(tf.Relu6, 'x', (dy, x) => tf.mul(dy, tf.cast(tf.mul(tf.lessEqual(x, 6), tf.step(x)), 'float32'))),
  unaryGradient(tf.LeakyRelu, 'x', (dy, x, attrs) => tf.where(tf.greater(x, 0), dy, tf.mul(dy, attrs['alpha'] as number))),
  unaryGradient(tf.Elu, 'y', (dy, y) => tf.where(tf.greater(y, 0), dy, tf.mul(dy, tf.add(y, 1)))),
  unaryGradient(tf.ClipByValue, 'x', (dy, x, attrs) =>
    tf.where(
      tf.logicalAnd(tf.greaterEqual(x, attrs['clipValueMin'] as number), tf.lessEqual(x, attrs['clipValueMax'] as number)),
      dy,
      tf.zerosLike(dy),
    ),
  ),
  { kernelName: tf.Cast, gradFunc: (dy) => ({ x: () => single(dy).clone() }) },
  { kernelName: tf.Identity, gradFunc: (dy) => ({ x: () => f32(single(dy)) }) },

  binaryGradient(
    tf.Add,
    (dy) => dy,
    (dy) => dy,
  ),
  binaryGradient(
    tf.Sub,
    (dy) => dy,
    (dy) => tf.neg(dy),
  ),
  binaryGradient(
    tf.Multiply,
    (dy, _a, b) => tf.mul(dy, f32(b)),
    (dy, a) => tf.mul(dy, f32(a)),
  ),
  binaryGradient(
    tf.RealDiv,
    (dy, _a, b) => tf.div(dy, f32(b)),
    (dy, a, b) => tf.neg(tf.div(tf.mul(dy, f32(a)), tf.square(f32(b)))),
  ),
  binaryGradient(
    tf.Maximum,
    (dy, a, b) => tf.mul(dy, tf.cast(tf.greaterEqual(a, b), 'float32')),
    (dy, a, b) => tf.mul(dy, tf.cast(tf.less(a, b), 'float32')),
  ),
  binaryGradient(
    tf.Minimum,
    (dy, a, b) => tf.mul(dy, tf.cast(tf.lessEqual(a, b), 'float32')),
    (dy, a, b) => tf.mul(dy, tf.cast(tf.greater(a, b), 'float32')),
  ),
  binaryGradient(
    tf.SquaredDifference,
    (dy, a, b) => tf.mul(dy, tf.mul(2, tf.sub(a, b))),
    (dy, a, b) => tf.mul(dy, tf.mul(2, tf.sub(b, a))),
  ),
  binaryGradient(
    tf.Atan2,
    (dy, a, b) => tf.div(tf.mul(dy, b), tf.add(tf.square(a), tf.square(b))),
    (dy, a, b) => tf.div(tf.neg(tf.mul(dy, a)), tf.add(tf.square(a), tf.square(b))),
  ),
  {
    kernelName: tf.Pow,
    inputsToSave: ['a', 'b'],
    outputsToSave: [true],
    gradFunc: (dy, savedTensors) => {
      const base = saved(savedTensors, 0);
      const exponent = f32(saved(savedTensors, 1));
      const y = saved(savedTensors, 2);
      const g = single(dy);
      return {
        a: () => unbroadcast(tf.mul(g, tf.mul(exponent, tf.pow(base, tf.sub(exponent, 1)))), base.shape),
        b: () => {
          const logBase = tf.where(tf.greater(base, 0), tf.log(base), tf.zerosLike(base));
          return unbroadcast(tf.mul(g, tf.mul(y, logBase)), exponent.shape);
        },
      };
    },
  },
  {
    kernelName: tf.AddN,
    saveAllInputs: true,
    gradFunc: (dy, savedTensors) => byPosition(savedTensors.map(() => () => single(dy).clone())),
  },
  {
    kernelName: tf.Select,
    inputsToSave: ['condition'],
    gradFunc: (dy, savedTensors) => {
      const condition = saved(savedTensors, 0);
      const g = single(dy);
      return {
        condition: () => tf.cast(tf.zerosLike(condition), 'float32'),
        t: () => tf.mul(g, tf.cast(condition, g.dtype)),
        e: () => tf.mul(g, tf.cast(tf.logicalNot(condition), g.dtype)),
      };
    },
  },

  ...[tf.Greater, tf.GreaterEqual, tf.Less, tf.LessEqual, tf.Equal, tf.NotEqual, tf.LogicalAnd, tf.LogicalOr].map((name) =>
    zeroGradient(name, ['a', 'b']),
  ),
  ...[tf.Floor, tf.Ceil, tf.Round, tf.Sign, tf.Step, tf.IsNan, tf.IsInf, tf.IsFinite, tf.LogicalNot, tf.ZerosLike, tf.OnesLike].map(
    (name) => zeroGradient(name, ['x']),
  ),
];
