import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap growing factor, in percent above the live heap, for a process that runs models (the
 * served default; 0 leaves V8's own choice).
 *
 * Why: V8 sizes the old generation after each full GC from how fast JavaScript allocates on its
 * heap. A model worker allocates little there (the frames, tensors and outputs live off-heap, and
 * most of its time is spent in ONNX Runtime), so V8 sees an allocation rate far below its GC speed
 * and picks its minimum factor, 1.1: the limit ends a few MB above the live heap, and ordinary
 * promotion starts the next full GC at once — full GCs several times a second, whose marking costs
 * CPU on every frame. A factor of 2 (100%) all but removes them. The cost is heap headroom: up to
 * twice the live heap. Figures, and how to see them: docs/performance.md, "The model worker's
 * garbage collection".
 */
export const DEFAULT_MODEL_HEAP_GROWING_PERCENT = 100;

/**
 * Sets V8's heap growing factor for this process (all its isolates, workers included; V8 flags
 * are per process). It applies from the next full GC on; call it before starting the model worker.
 * 0 restores V8's dynamic factor.
 */
export function setHeapGrowingPercent(percent: number, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) {
    throw new RangeError(`heap growing percent must be an integer in [0, 1000], got ${percent}`);
  }
  setFlags(`--heap-growing-percent=${percent}`);
}
