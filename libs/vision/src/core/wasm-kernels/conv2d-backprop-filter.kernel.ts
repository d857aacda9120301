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
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, padInfo } =
    info;
  // Rows (columns) of the padded input the forward pass read, and how many of them are bottom
  // (right) padding; negative means trailing input rows the forward pass never read: crop them.
  const bottom = (outHeight - 1) * strideHeight + filterHeight - padInfo.top - inHeight;
  const right = (outWidth - 1) * strideWidth + filterWidth - padInfo.left - inWidth;

  const runner = new WasmKernelRunner(backend as KernelBackend);
  try {
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
