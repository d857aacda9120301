import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getKernel, KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Runs kernels already registered for the wasm backend on raw `TensorInfo`s, from inside another
 * kernel, and frees the intermediates afterwards. Composing kernels at this level (not through tfjs
 * ops) keeps the work off the gradient tape and out of the engine's bookkeeping, the way the wasm
 * backend's own composite kernels are written.
 */
export class WasmKernelRunner {
  private readonly intermediates: TensorInfo[] = [];

  constructor(private readonly backend: KernelBackend) {}

  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, 'wasm');
    if (kernel === undefined) {
      throw new Error(`wasm backend has no '${kernelName}' kernel to compose with`);
    }
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      throw new Error(`wasm kernel '${kernelName}' returned several outputs; expected one`);
    }
    this.intermediates.push(out);
    return out;
  }

  /** A new float32 tensor holding `values`, freed with the other intermediates. */
  fromValues(shape: number[], values: Float32Array): TensorInfo {
    const out = (this.backend as unknown as BackendWasm).makeOutput(shape, 'float32', undefined, values);
    this.intermediates.push(out);
    return out;
  }

  /** The float32 values of a tensor (a copy). */
  values(x: TensorInfo): Float32Array {
    return Float32Array.from(this.backend.readSync(x.dataId) as Float32Array);
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /**
   * Crops an NHWC tensor. Done as a rank-3 slice over [N, H, W*C] so that every copied run is a
   * whole cropped row rather than one pixel's channels (the wasm Slice kernel copies run by run).
   */
  cropNhwc(x: TensorInfo, top: number, bottom: number, left: number, right: number): TensorInfo {
    if (top === 0 && bottom === 0 && left === 0 && right === 0) {
      return x;
    }
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const rows = this.reshape(x, [n, h, w * c]);
    const cropped = this.run('Slice', { x: rows }, { begin: [0, top, left * c], size: [n, h - top - bottom, (w - left - right) * c] });
    return this.reshape(cropped, [n, h - top - bottom, w - left - right, c]);
  }

  /**
   * Marks `out` (which must come from `run`) as the kernel's result and frees every other
   * intermediate. A reshape shares its source's data with a reference count, so freeing the source
   * of a returned reshape is safe.
   */
  finish(out: TensorInfo): TensorInfo {
    if (!this.intermediates.includes(out)) {
      throw new Error('a composite kernel must return the output of one of its own kernels');
    }
    this.release((info) => info !== out);
    return out;
  }

  /** Frees every intermediate (used when a kernel fails half-way). */
  disposeAll(): void {
    this.release(() => true);
  }

  private release(shouldFree: (info: TensorInfo) => boolean): void {
    for (const info of this.intermediates) {
      if (shouldFree(info)) {
        this.backend.disposeData(info.dataId);
      }
    }
    this.intermediates.length = 0;
  }
}
