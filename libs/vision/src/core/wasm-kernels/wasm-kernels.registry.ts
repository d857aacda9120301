import { getKernel, KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.kernel';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.kernel';
import {
  resizeNearestNeighborGradCpuConfig,
  resizeNearestNeighborGradWasmConfig,
} from './resize-nearest-neighbor-grad.kernel';

/**
 * The gradient kernels Argus owns (tfjs 4.22):
 * - wasm Conv2DBackpropFilter: missing upstream, so training a conv net fails without it;
 * - wasm Conv2DBackpropInput: upstream is a scalar C loop; ours is one XNNPACK convolution;
 * - ResizeNearestNeighborGrad: upstream wasm ignores halfPixelCenters, upstream cpu is wrong for a
 *   batch larger than one (it would poison cpu-vs-wasm gradient checks of any upsampling neck).
 * tfjs-core's BatchNorm gradient needs Tile, which wasm 4.22 does have (a C++ kernel), so nothing is
 * registered for it; the detector's own batch-norm gradient (batch-norm.op.ts) avoids Tile anyway.
 */
export const gradientKernelConfigs: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  conv2dBackpropInputWasmConfig,
  resizeNearestNeighborGradWasmConfig,
  resizeNearestNeighborGradCpuConfig,
];

/** Registers (replacing upstream ones) Argus's gradient kernels for wasm and cpu. Idempotent. */
export function registerGradientKernels(): void {
  for (const config of gradientKernelConfigs) {
    const current = getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc === config.kernelFunc) {
      continue;
    }
    if (current !== undefined) {
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
  }
}

/** True when every Argus gradient kernel is the registered one. */
export function gradientKernelsRegistered(): boolean {
  return gradientKernelConfigs.every(
    (config) => getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc,
  );
}
