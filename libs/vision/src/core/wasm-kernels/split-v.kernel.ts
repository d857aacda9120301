import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, KernelConfig, KernelFunc, SplitV, TensorInfo, TypedArray, util } from '@tensorflow/tfjs-core';

/**
 * SplitV for wasm: one pass per part with flat offsets. Upstream slices every part through a
 * generic 4-D slice (index arithmetic per pixel); splitting 8×80×80×64 into channel halves — the
 * gradient of every CSP and neck concatenation — is markedly faster this way (docs/performance.md).
 */

/** Copies `length` values; short runs by loop (no per-call overhead), long ones by `set`. */
function copy(from: TypedArray, fromOffset: number, to: TypedArray, toOffset: number, length: number): void {
  if (length >= 16) {
    to.set(from.subarray(fromOffset, fromOffset + length), toOffset);
    return;
  }
  for (let k = 0; k < length; k++) to[toOffset + k] = from[fromOffset + k] as number;
}

export const splitVWasm: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  // tf.split only takes numeric tensors, so every dtype here has a typed array.
  const x = inputs['x'] as TensorInfo;
  const wasm = backend as BackendWasm;
  const [axis = 0] = util.parseAxisParam(attrs?.['axis'] as number, x.shape);
  const sizes = backend_util.prepareSplitSize(x, attrs?.['numOrSizeSplits'] as number[] | number, axis);
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const row = util.sizeFromShape(x.shape.slice(axis + 1));
  const total = (x.shape[axis] ?? 0) * row;
  let start = 0;
  return sizes.map((size) => {
    const shape = [...x.shape];
    shape[axis] = size;
    const out = wasm.makeOutput(shape, x.dtype);
    // makeOutput may grow the wasm heap, which detaches earlier views: take them afresh.
    const target = wasm.typedArrayFromHeap(out);
    const from = wasm.typedArrayFromHeap(x);
    const run = size * row;
    for (let b = 0; b < outer; b++) copy(from, b * total + start, target, b * run, run);
    start += run;
    return out;
  });
};

export const splitVWasmConfig: KernelConfig = { kernelName: SplitV, backendName: 'wasm', kernelFunc: splitVWasm };
