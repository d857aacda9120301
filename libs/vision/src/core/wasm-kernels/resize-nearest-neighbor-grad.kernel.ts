import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  ResizeNearestNeighborGrad,
  ResizeNearestNeighborGradAttrs,
  TensorInfo,
} from '@tensorflow/tfjs-core';

/** Source pixel of each output row (or column) of tfjs's nearest-neighbour resize. */
function sourceIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const effectiveIn = alignCorners && outSize > 1 ? inSize - 1 : inSize;
  const effectiveOut = alignCorners && outSize > 1 ? outSize - 1 : outSize;
  const ratio = effectiveIn / effectiveOut;
  const sources = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const fraction = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    sources[i] = halfPixelCenters ? Math.max(0, nearest) : nearest;
  }
  return sources;
}

/**
 * Adds every output pixel's gradient to the input pixel the forward resize copied it from (the
 * forward kernels' own mapping). `dx` must be zero on entry.
 */
function scatterGradient(
  dy: Float32Array,
  dx: Float32Array,
  imagesShape: number[],
  dyShape: number[],
  alignCorners: boolean,
  halfPixelCenters: boolean,
): void {
  const [batch = 0, inHeight = 0, inWidth = 0, channels = 0] = imagesShape;
  const [, outHeight = 0, outWidth = 0] = dyShape;
  const rows = sourceIndices(inHeight, outHeight, alignCorners, halfPixelCenters);
  const cols = sourceIndices(inWidth, outWidth, alignCorners, halfPixelCenters);
  let offset = 0;
  for (let b = 0; b < batch; b++) {
    const batchBase = b * inHeight * inWidth * channels;
    for (let r = 0; r < outHeight; r++) {
      const rowBase = batchBase + (rows[r] ?? 0) * inWidth * channels;
      for (let c = 0; c < outWidth; c++) {
        const base = rowBase + (cols[c] ?? 0) * channels;
        for (let d = 0; d < channels; d++) {
          dx[base + d] = (dx[base + d] ?? 0) + (dy[offset++] ?? 0);
        }
      }
    }
  }
}

function parse(inputs: Record<string, TensorInfo | undefined>, attrs: unknown) {
  const images = inputs['images'] as TensorInfo;
  const dy = inputs['dy'] as TensorInfo;
  const { alignCorners, halfPixelCenters } = attrs as ResizeNearestNeighborGradAttrs;
  return { images, dy, alignCorners, halfPixelCenters };
}

/**
 * tfjs-backend-wasm 4.22's ResizeNearestNeighborGrad ignores halfPixelCenters (wrong gradients with
 * it); this one follows the forward mapping exactly.
 */
export const resizeNearestNeighborGradWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { images, dy, alignCorners, halfPixelCenters } = parse(inputs, attrs);
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput([...images.shape], 'float32');
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  scatterGradient(wasm.typedArrayFromHeap(dy) as Float32Array, dx, images.shape, dy.shape, alignCorners, halfPixelCenters);
  return out;
};

/**
 * tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad adds every image's gradient into the first image
 * of the batch (wrong for batch > 1); this one is the cpu backend's fallback fix.
 */
export const resizeNearestNeighborGradCpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const { images, dy, alignCorners, halfPixelCenters } = parse(inputs, attrs);
  const cpu = backend as KernelBackend & {
    makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  };
  const dx = new Float32Array(images.shape.reduce((a, b) => a * b, 1));
  const grad = cpu.readSync(dy.dataId) as Float32Array;
  scatterGradient(grad, dx, images.shape, dy.shape, alignCorners, halfPixelCenters);
  return cpu.makeTensorInfo([...images.shape], 'float32', dx);
};

export const resizeNearestNeighborGradWasmConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: resizeNearestNeighborGradWasm,
};

export const resizeNearestNeighborGradCpuConfig: KernelConfig = {
  kernelName: ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: resizeNearestNeighborGradCpu,
};
