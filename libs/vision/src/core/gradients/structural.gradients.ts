import * as tf from '@tensorflow/tfjs-core';
import { byPosition, saved, single, zeroGradient } from './gradient-config.helpers';

/** x.shape with the reduced axes kept as 1, so a reduced gradient broadcasts back over x. */
function keptDimsShape(xShape: number[], axes: number[]): number[] {
  return xShape.map((size, i) => (axes.includes(i) ? 1 : size));
}

function minMaxGradient(kernelName: string, axisAttr: 'axis' | 'reductionIndices'): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const axes = tf.util.parseAxisParam(attrs[axisAttr] as number | number[], x.shape);
      const shape = keptDimsShape(x.shape, axes);
      const y = tf.reshape(saved(savedTensors, 1), shape);
      const g = tf.reshape(single(dy), shape);
      return { x: () => tf.mul(g, tf.cast(tf.equal(x, y), g.dtype)) };
    },
  };
}

/** Gradients of reductions and of ops that only move, copy or select values, as in tfjs-core 4.22. */
export const structuralGradientConfigs: tf.GradConfig[] = [
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      return { x: () => tf.mul(tf.reshape(single(dy), keptDimsShape(x.shape, axes)), tf.ones(x.shape)) };
    },
  },
  {
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const count = axes.reduce((n, axis) => n * (x.shape[axis] ?? 1), 1);
      return {
        x: () => tf.div(tf.mul(tf.reshape(single(dy), keptDimsShape(x.shape, axes)), tf.ones(x.shape)), count),
      };
    },
  },
  minMaxGradient(tf.Max, 'reductionIndices'),
  minMaxGradient(tf.Min, 'axis'),
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, savedTensors) => ({ x: () => tf.reshape(single(dy), saved(savedTensors, 0).shape) }),
  },
  {
    kernelName: tf.ExpandDims,
    inputsToSave: ['input'],
    gradFunc: (dy, savedTensors) => ({ input: () => tf.reshape(single(dy), saved(savedTensors, 0).shape) }),
  },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => tf.transpose(single(dy), tf.backend_util.getUndoAxesPermutation(attrs['perm'] as number[])),
    }),
  },
  {
    kernelName: tf.Reverse,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => tf.reverse(single(dy), tf.util.parseAxisParam(attrs['dims'] as number | number[], single(dy).shape)),
    }),
  },
  {
    kernelName: tf.Concat,
    saveAllInputs: true,
    gradFunc: (dy, savedTensors, attrs) => {
      const first = saved(savedTensors, 0);
      const [axis] = tf.util.parseAxisParam(attrs['axis'] as number, first.shape);
      const parts = tf.split(
        single(dy),
        savedTensors.map((t) => t.shape[axis ?? 0] ?? 0),
        axis,
      );
      return byPosition(parts.map((part) => () => part));
    },
  },
  {
    kernelName: tf.SplitV,
    gradFunc: (dy, _saved, attrs) => ({ x: () => tf.concat(dy as tf.Tensor[], attrs['axis'] as number) }),
  },
  {
    kernelName: tf.Pack,
    saveAllInputs: true,
    gradFunc: (dy, _saved, attrs) => byPosition(tf.unstack(single(dy), attrs['axis'] as number).map((part) => () => part)),
  },
  {
    kernelName: tf.Unpack,
    gradFunc: (dy, _saved, attrs) => ({ value: () => tf.stack(dy as tf.Tensor[], attrs['axis'] as number) }),
  },
  {
    kernelName: tf.Slice,
    inputsToSave: ['x'],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const [begin, size] = tf.slice_util.parseSliceParams(x, attrs['begin'] as number | number[], attrs['size'] as number | number[]);
      const paddings = x.shape.map((dim, i): [number, number] => {
        const start = begin?.[i] ?? 0;
        return [start, dim - start - (size?.[i] ?? 0)];
      });
      return { x: () => tf.pad(single(dy), paddings) };
    },
  },
  {
    kernelName: tf.PadV2,
    inputsToSave: ['x'],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const begin = (attrs['paddings'] as Array<[number, number]>).map(([before]) => before);
      return { x: () => tf.slice(single(dy), begin, x.shape) };
    },
  },
  {
    // Sums the tiles: view dy as [r0, s0, r1, s1, ...] and reduce the repetition axes.
    kernelName: tf.Tile,
    inputsToSave: ['x'],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const reps = attrs['reps'] as number[];
      const split = x.shape.flatMap((size, i) => [reps[i] ?? 1, size]);
      const repAxes = x.shape.map((_size, i) => 2 * i);
      return { x: () => tf.reshape(tf.sum(tf.reshape(single(dy), split), repAxes), x.shape) };
    },
  },
  {
    kernelName: tf.BroadcastTo,
    gradFunc: (dy, _saved, attrs) => {
      const inputShape = attrs['inputShape'] as number[];
      const g = single(dy);
      const offset = g.rank - inputShape.length;
      const axes = g.shape.map((size, i) => (i < offset || (inputShape[i - offset] === 1 && size !== 1) ? i : -1)).filter((i) => i >= 0);
      return { x: () => tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, inputShape) };
    },
  },
  {
    kernelName: tf.GatherV2,
    inputsToSave: ['x', 'indices'],
    gradFunc: (dy, savedTensors, attrs) => {
      const x = saved(savedTensors, 0);
      const indices = saved(savedTensors, 1);
      if ((attrs['batchDims'] as number | undefined) ?? 0) {
        throw new Error('gradient of gather with batchDims is not supported by Argus gradients');
      }
      const [axis = 0] = tf.util.parseAxisParam(attrs['axis'] as number, x.shape);
      return {
        x: () => {
          const outer = x.shape.slice(0, axis);
          const inner = x.shape.slice(axis + 1);
          const values = tf.reshape(single(dy), [...outer, indices.size, ...inner]);
          const perm = [outer.length, ...outer.map((_s, i) => i), ...inner.map((_s, i) => outer.length + 1 + i)];
          const summed = tf.unsortedSegmentSum(tf.transpose(values, perm), tf.reshape(indices, [indices.size]), x.shape[axis] ?? 0);
          return tf.transpose(summed, tf.backend_util.getUndoAxesPermutation(perm));
        },
        indices: () => indices,
      };
    },
  },
  zeroGradient(tf.OneHot, ['indices']),
];
