export { argusKernelsRegistered, registerArgusKernels } from './wasm-kernels.registry';
export { splitVWasm } from './split-v.kernel';
export { conv2dBackpropFilterWasm } from './conv2d-backprop-filter.kernel';
export { conv2dBackpropInputWasm } from './conv2d-backprop-input.kernel';
export { resizeNearestNeighborGradCpu, resizeNearestNeighborGradWasm } from './resize-nearest-neighbor-grad.kernel';
