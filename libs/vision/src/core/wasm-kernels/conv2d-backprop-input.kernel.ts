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
 * dL/dx of an NHWC conv2d as one XNNPACK convolution (tfjs-backend-wasm 4.22 ships a scalar loop):
 * dy, with (stride − 1) zeros inserted between its rows and columns, convolved at stride 1 with the
 * filter rotated by 180° and its channel axes swapped ([kh, kw, co, ci]), padded so that the output
 * lines up with the forward input.
 *
 *   dx[y] = Σ_k dyUp[y + top − k] · W[k] = Σ_k' dyUpPadded[y + k'] · W[kh − 1 − k'],
 *   with dyUpPadded front-padded by kh − 1 − top.
 */
export const conv2dBackpropInputWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = inputs['dy'] as TensorInfo;
  const filter = inputs['filter'] as TensorInfo;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropInput (wasm): only NHWC is supported, got ${dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as Shape4, strides, 1, pad, dimRoundingMode);
  const {
    batchSize,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    padInfo,
  } = info;

  const runner = new WasmKernelRunner(backend as KernelBackend);
  try {
    const flipped = runner.run('Reverse', { x: filter }, { dims: [0, 1] });
    const kernel = runner.transpose(flipped, [0, 1, 3, 2]);

    let upsampled = dy;
    if (strideHeight > 1 || strideWidth > 1) {
      const spread = runner.reshape(dy, [batchSize * outHeight, 1, outWidth, 1, outChannels]);
      const zeroed = runner.pad(spread, [
        [0, 0],
        [0, strideHeight - 1],
        [0, 0],
        [0, strideWidth - 1],
        [0, 0],
      ]);
      upsampled = runner.reshape(zeroed, [batchSize, outHeight * strideHeight, outWidth * strideWidth, outChannels]);
    }
    const upHeight = outHeight * strideHeight;
    const upWidth = outWidth * strideWidth;
    const padTop = filterHeight - 1 - padInfo.top;
    const padLeft = filterWidth - 1 - padInfo.left;
    const padBottom = inHeight - upHeight + padInfo.top;
    const padRight = inWidth - upWidth + padInfo.left;
    // Negative padding (only with trailing inserted zeros or unusual explicit pads) is a crop.
    const source = runner.cropNhwc(
      upsampled,
      Math.max(0, -padTop),
      Math.max(0, -padBottom),
      Math.max(0, -padLeft),
      Math.max(0, -padRight),
    );
    const dx = runner.run(
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
