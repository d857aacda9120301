import * as tf from '@tensorflow/tfjs-core';
import { saved, single } from './gradient-config.helpers';

type Shape4 = [number, number, number, number];

/** Gradients of the neural-network kernels a detector and its losses use, as in tfjs-core 4.22. */
export const nnGradientConfigs: tf.GradConfig[] = [
  {
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const filter = saved(savedTensors, 1);
      const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
      if (!tf.backend_util.tupleValuesAreOne(dilations)) {
        throw new Error(`gradient of conv2d: dilations other than 1 are not supported (got ${String(dilations)})`);
      }
      const g = single(dy);
      return {
        x: () =>
          tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: g, filter }, {
            strides,
            pad,
            dataFormat,
            dimRoundingMode,
            inputShape: x.shape as Shape4,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () =>
          tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: g }, {
            strides,
            pad,
            dataFormat,
            dimRoundingMode,
            filterShape: filter.shape as Shape4,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
      };
    },
  },
  {
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, savedTensors, attrs) => {
      const a = saved(savedTensors, 0);
      const b = saved(savedTensors, 1);
      const g = single(dy);
      const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
      if (!transposeA && !transposeB) return { a: () => tf.matMul(g, b, false, true), b: () => tf.matMul(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => tf.matMul(g, b, false, false), b: () => tf.matMul(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => tf.matMul(b, g, false, true), b: () => tf.matMul(a, g, false, false) };
      return { a: () => tf.matMul(b, g, true, true), b: () => tf.matMul(g, a, true, true) };
    },
  },
  {
    kernelName: tf.ResizeNearestNeighbor,
    inputsToSave: ['images'],
    gradFunc: (dy, savedTensors, attrs) => ({
      images: () =>
        tf.engine().runKernel(tf.ResizeNearestNeighborGrad, { dy: single(dy), images: saved(savedTensors, 0) }, attrs) as tf.Tensor,
    }),
  },
  {
    kernelName: tf.ResizeBilinear,
    inputsToSave: ['images'],
    gradFunc: (dy, savedTensors, attrs) => ({
      images: () => tf.engine().runKernel(tf.ResizeBilinearGrad, { dy: single(dy), images: saved(savedTensors, 0) }, attrs) as tf.Tensor,
    }),
  },
  {
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, savedTensors, attrs) => ({
      x: () =>
        tf
          .engine()
          .runKernel(tf.MaxPoolGrad, { dy: single(dy), input: saved(savedTensors, 0), output: saved(savedTensors, 1) }, attrs) as tf.Tensor,
    }),
  },
  {
    // Checked with 'valid' pooling; with 'same' the cpu backend's AvgPoolGrad disagrees with its forward.
    kernelName: tf.AvgPool,
    inputsToSave: ['x'],
    gradFunc: (dy, savedTensors, attrs) => ({
      x: () => tf.engine().runKernel(tf.AvgPoolGrad, { dy: single(dy), input: saved(savedTensors, 0) }, attrs) as tf.Tensor,
    }),
  },
  {
    kernelName: tf.Softmax,
    outputsToSave: [true],
    gradFunc: (dy, savedTensors, attrs) => {
      const y = saved(savedTensors, 0);
      const dyTimesY = tf.mul(single(dy), y);
      return { logits: () => tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [attrs['dim'] as number], true), y)) };
    },
  },
  {
    kernelName: tf.LogSoftmax,
    outputsToSave: [true],
    gradFunc: (dy, savedTensors, attrs) => {
      const value = saved(savedTensors, 0);
      const g = single(dy);
      return { logits: () => tf.sub(g, tf.mul(tf.sum(g, attrs['axis'] as number, true), tf.exp(value))) };
    },
  },
  {
    // tf.batchNorm in inference-style use (given mean and variance); the detector trains through its
    // own batch-norm op (batch-norm.op.ts), which does not need this.
    kernelName: tf.FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, savedTensors, attrs) => {
      const [x, mean, variance, scale] = savedTensors as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const g = single(dy);
      const scaleValue = scale ?? tf.scalar(1);
      const reduce = (t: tf.Tensor): tf.Tensor => {
        const axes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
        return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, mean.shape);
      };
      const invStd = tf.rsqrt(tf.add(variance, attrs['varianceEpsilon'] as number));
      const xMinusMean = tf.sub(x, mean);
      const dyTimesScale = tf.mul(g, scaleValue);
      return {
        x: () => tf.mul(dyTimesScale, invStd),
        mean: () => reduce(tf.neg(tf.mul(dyTimesScale, invStd))),
        variance: () => reduce(tf.mul(tf.mul(tf.mul(tf.pow(invStd, 3), -0.5), xMinusMean), dyTimesScale)),
        scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, invStd))),
        offset: () => reduce(g),
      };
    },
  },
];
