import { getKernel, KernelConfig, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.kernel';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input.kernel';

/**
 * The gradient kernels Argus owns for tfjs-backend-wasm 4.22:
 * - Conv2DBackpropFilter: missing upstream, so training a conv net fails without it;
 * - Conv2DBackpropInput: upstream is a scalar C loop; ours is one XNNPACK convolution.
 * tfjs-core's BatchNorm gradient needs Tile, which wasm 4.22 does have (a C++ kernel), so nothing is
 * registered for it; the detector's own batch-norm gradient (see batch-norm.op.ts) avoids Tile anyway.
 */
export const wasmGradientKernelConfigs: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  conv2dBackpropInputWasmConfig,
];

/** Registers (or re-registers, replacing upstream ones) Argus's wasm gradient kernels. Idempotent. */
export function registerWasmGradientKernels(): void {
  for (const config of wasmGradientKernelConfigs) {
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

/** True when every Argus wasm gradient kernel is the registered one. */
export function wasmGradientKernelsRegistered(): boolean {
  return wasmGradientKernelConfigs.every(
    (config) => getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc,
  );
}
