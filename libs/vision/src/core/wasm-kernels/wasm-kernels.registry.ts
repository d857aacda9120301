import { getKernel, KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { splitVWasmConfig } from './split-v.kernel';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.kernel';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.kernel';
import { resizeNearestNeighborGradCpuConfig, resizeNearestNeighborGradWasmConfig } from './resize-nearest-neighbor-grad.kernel';

/**
 * The kernels Argus owns (tfjs 4.22):
 * - wasm Conv2DBackpropFilter: missing upstream, so training a conv net fails without it;
 * - wasm Conv2DBackpropInput: upstream is a scalar C loop; ours is XNNPACK convolutions;
 * - ResizeNearestNeighborGrad: upstream wasm ignores halfPixelCenters, upstream cpu is wrong for a
 *   batch larger than one (it would poison cpu-vs-wasm gradient checks of any upsampling neck);
 * - wasm SplitV: about twice as fast as upstream on channel splits (the gradient of every
 *   concatenation).
 * tfjs-core's BatchNorm gradient needs Tile, which wasm 4.22 does have (a C++ kernel), so nothing is
 * registered for it; the detector's own batch-norm gradient (batch-norm.op.ts) avoids Tile anyway.
 */
export const argusKernelConfigs: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  conv2dBackpropInputWasmConfig,
  resizeNearestNeighborGradWasmConfig,
  resizeNearestNeighborGradCpuConfig,
  splitVWasmConfig,
];

/** Registers (replacing upstream ones) Argus's kernels for wasm and cpu. Idempotent. */
export function registerArgusKernels(): void {
  for (const config of argusKernelConfigs) {
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

/** True when every Argus kernel is the registered one. */
export function argusKernelsRegistered(): boolean {
  return argusKernelConfigs.every((config) => getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc);
}
