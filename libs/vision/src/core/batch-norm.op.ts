import * as tf from '@tensorflow/tfjs-core';

/** Batch-norm epsilon, shared by the TF.js model and the ONNX export (which folds it into the convs). */
export const BATCH_NORM_EPSILON = 1e-3;

export interface BatchStatistics {
  mean: tf.Tensor1D;
  /** Biased (population) variance of the batch, the one used to normalise. */
  variance: tf.Tensor1D;
  /** Values normalised over: batch × height × width. */
  count: number;
}

/**
 * Training-mode batch norm over the N, H, W axes of an NHWC tensor, normalising with the batch's own
 * statistics, with a hand-written gradient:
 *   dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)),  dγ = Σ dy · x̂,  dβ = Σ dy.
 * That is three reductions and a few elementwise ops, instead of the taped moments graph and the
 * full-size Tile that tfjs-core's FusedBatchNorm gradient would cost. `onStatistics` receives the
 * batch statistics (to update running averages) and must not keep them beyond the call.
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  onStatistics: (stats: BatchStatistics) => void,
  epsilon = BATCH_NORM_EPSILON,
): tf.Tensor4D {
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, scale, offset, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    onStatistics({ mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D, count });
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalised = tf.mul(tf.sub(input, mean), invStd);
    save([normalised, invStd, scale]);
    return {
      value: tf.add(tf.mul(normalised, scale), offset),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, inverseStd, g] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dBeta = tf.sum(dy, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(dy, xHat), [0, 1, 2]);
        const centred = tf.sub(tf.sub(dy, tf.div(dBeta, count)), tf.mul(xHat, tf.div(dGamma, count)));
        return [tf.mul(centred, tf.mul(g, inverseStd)), dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
