import {
  backend_util,
  Conv2DBackpropInput,
  Conv2DBackpropInputAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { WasmKernelRunner } from './wasm-kernel.runner';

type Shape4 = [number, number, number, number];

/**
 * dL/dx of a stride-1 conv: dy convolved with the filter rotated by 180° and its channel axes
 * swapped ([kh, kw, co, ci]), front-padded by k − 1 − pad:
 *   dx[y] = Σ_k dy[y + top − k] · W[k] = Σ_k' dyPadded[y + k'] · W[kh − 1 − k'].
 */
function stride1(runner: WasmKernelRunner, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, padInfo } = info;
  const kernel = runner.transpose(runner.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
  const padTop = filterHeight - 1 - padInfo.top;
  const padLeft = filterWidth - 1 - padInfo.left;
  const padBottom = inHeight - outHeight + padInfo.top;
  const padRight = inWidth - outWidth + padInfo.left;
  // Negative padding (only with unusual explicit pads) is a crop.
  const source = runner.cropNhwc(dy, Math.max(0, -padTop), Math.max(0, -padBottom), Math.max(0, -padLeft), Math.max(0, -padRight));
  return runner.run(
    'Conv2D',
    { x: source, filter: kernel },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [Math.max(0, padTop), Math.max(0, padBottom)],
        [Math.max(0, padLeft), Math.max(0, padRight)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
}

/**
 * dL/dx of a strided conv without multiplying inserted zeros. Per axis, with s the stride, p the
 * front pad and M = ⌈k/s⌉, every input position i is a phase r = (i + p) mod s of a "super row"
 * q = ⌊(i + p)/s⌋, and
 *   dx[i] = Z[i + p],  Z[q·s + r] = Σ_{m<M} dy[q − m] · W[r + s·m].
 * All s² phases come out of one stride-1 convolution of dy with an M×M filter of s²·ci output
 * channels (the sub-filters W[r + s·m], reversed); a 4-D transpose interleaves the phases and a
 * crop removes p. For 3×3 / stride 2 that is 16 taps per 4 outputs instead of 9 per output.
 */
function strided(runner: WasmKernelRunner, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo } = info;
  const mh = Math.ceil(kh / sh);
  const mw = Math.ceil(kw / sw);
  const qh = Math.ceil((padInfo.top + inHeight) / sh);
  const qw = Math.ceil((padInfo.left + inWidth) / sw);
  const phases = sh * sw;

  // Combined filter [mh, mw, co, (ry·sw + rx)·ci + c] = W[ry + sh(mh−1−a), rx + sw(mw−1−b), c, o].
  const w = runner.values(filter);
  const combined = new Float32Array(mh * mw * co * phases * ci);
  for (let a = 0; a < mh; a++) {
    for (let ry = 0; ry < sh; ry++) {
      const y = ry + sh * (mh - 1 - a);
      if (y >= kh) continue;
      for (let b = 0; b < mw; b++) {
        for (let rx = 0; rx < sw; rx++) {
          const x = rx + sw * (mw - 1 - b);
          if (x >= kw) continue;
          for (let c = 0; c < ci; c++) {
            const from = ((y * kw + x) * ci + c) * co;
            const to = (a * mw + b) * co * phases * ci + (ry * sw + rx) * ci + c;
            for (let o = 0; o < co; o++) combined[to + o * phases * ci] = w[from + o] ?? 0;
          }
        }
      }
    }
  }
  const kernel = runner.fromValues([mh, mw, co, phases * ci], combined);

  // Rows of dy beyond the last super row never reach dx.
  const source = runner.cropNhwc(dy, 0, Math.max(0, outHeight - qh), 0, Math.max(0, outWidth - qw));
  const z = runner.run(
    'Conv2D',
    { x: source, filter: kernel },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [mh - 1, Math.max(0, qh - outHeight)],
        [mw - 1, Math.max(0, qw - outWidth)],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  // [B·qh, qw, sh, sw·ci] → [B·qh, sh, qw, sw·ci] is [B, qh·sh, qw·sw, ci] with phases interleaved.
  const grouped = runner.reshape(z, [batchSize * qh, qw, sh, sw * ci]);
  const interleaved = runner.reshape(runner.transpose(grouped, [0, 2, 1, 3]), [batchSize, qh * sh, qw * sw, ci]);
  return runner.cropNhwc(interleaved, padInfo.top, qh * sh - padInfo.top - inHeight, padInfo.left, qw * sw - padInfo.left - inWidth);
}

/**
 * dL/dx of an NHWC conv2d from XNNPACK convolutions (tfjs-backend-wasm 4.22 ships a scalar loop).
 */
export const conv2dBackpropInputWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = inputs['dy'] as TensorInfo;
  const filter = inputs['filter'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropInput (wasm): only NHWC is supported, got ${dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, 1, pad, dimRoundingMode);
  const runner = new WasmKernelRunner(backend as KernelBackend);
  try {
    const dx = info.strideHeight === 1 && info.strideWidth === 1 ? stride1(runner, dy, filter, info) : strided(runner, dy, filter, info);
    return runner.finish(dx);
  } catch (error) {
    runner.disposeAll();
    throw error;
  }
};

export const conv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm,
};
