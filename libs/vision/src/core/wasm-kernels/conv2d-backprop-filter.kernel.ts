import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropFilterAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { WasmKernelRunner } from './wasm-kernel.runner';

type Shape4 = [number, number, number, number];

/**
 * dW of a 1×1, stride-1 conv is one matrix product over all pixels: dWᵀ [co, ci] = dyᵀ · x (or
 * dW = xᵀ · dy), transposing whichever of x and dy has fewer channels (XNNPACK's fast matmul wants
 * both operands untransposed).
 */
function pointwise(runner: WasmKernelRunner, x: TensorInfo, dy: TensorInfo, filterShape: Shape4): TensorInfo {
  const [, , ci, co] = filterShape;
  const pixels = x.shape.slice(0, 3).reduce((a, b) => a * b, 1);
  const x2 = runner.reshape(x, [pixels, ci]);
  const dy2 = runner.reshape(dy, [pixels, co]);
  if (ci <= co) {
    const dw = runner.run('BatchMatMul', { a: runner.transpose(x2, [1, 0]), b: dy2 }, { transposeA: false, transposeB: false });
    return runner.reshape(dw, filterShape);
  }
  const dwT = runner.run('BatchMatMul', { a: runner.transpose(dy2, [1, 0]), b: x2 }, { transposeA: false, transposeB: false });
  return runner.reshape(runner.transpose(runner.reshape(dwT, [co, ci]), [1, 0]), filterShape);
}

/**
 * dL/dW of an NHWC conv2d, which tfjs-backend-wasm 4.22 lacks, as one XNNPACK convolution:
 *
 *   dW[i, j, ci, co] = Σ_{b, p, q} xPad[b, p·sh + i, q·sw + j, ci] · dy[b, p, q, co]
 *
 * is a stride-1 convolution of x laid out [ci, H, W, B] (input channels become the batch, the batch
 * becomes the channels) with dy laid out [oh, ow, B, co] as the filter, dilated by the forward
 * stride. Its output [ci, kh, kw, co] is transposed to the filter layout [kh, kw, ci, co].
 */
export const conv2dBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as TensorInfo;
  const dy = inputs['dy'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter (wasm): only NHWC is supported, got ${dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(x.shape as Shape4, filterShape, strides, 1, pad, dimRoundingMode);
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  // Rows (columns) of the padded input the forward pass read, and how many of them are bottom
  // (right) padding; negative means trailing input rows the forward pass never read: crop them.
  const bottom = (outHeight - 1) * strideHeight + filterHeight - padInfo.top - inHeight;
  const right = (outWidth - 1) * strideWidth + filterWidth - padInfo.left - inWidth;

  const runner = new WasmKernelRunner(backend as KernelBackend);
  try {
    if (filterHeight === 1 && filterWidth === 1 && strideHeight === 1 && strideWidth === 1 && bottom === 0 && right === 0) {
      return runner.finish(pointwise(runner, x, dy, filterShape));
    }
    const xCrop = runner.cropNhwc(x, 0, Math.max(0, -bottom), 0, Math.max(0, -right));
    const xT = runner.transpose(xCrop, [3, 1, 2, 0]);
    const dyT = runner.transpose(dy, [1, 2, 0, 3]);
    const dwT = runner.run(
      'Conv2D',
      { x: xT, filter: dyT },
      {
        strides: [1, 1],
        dilations: [strideHeight, strideWidth],
        pad: [
          [0, 0],
          [padInfo.top, Math.max(0, bottom)],
          [padInfo.left, Math.max(0, right)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    );
    return runner.finish(runner.transpose(dwT, [1, 2, 0, 3]));
  } catch (error) {
    runner.disposeAll();
    throw error;
  }
};

export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm,
};
