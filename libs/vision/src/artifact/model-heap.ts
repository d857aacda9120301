import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap growing factor, in percent above the live heap, for a process that runs models (the
 * served default; 0 leaves V8's own choice).
 *
 * Why: V8 sizes the old generation after each full GC from how fast JavaScript allocates on its
 * heap. A model worker allocates little there (the frames, tensors and outputs live off-heap, and
 * most of its time is spent in ONNX Runtime), so V8 measures ~1 KB/ms against a GC speed of
 * ~500 KB/ms and picks its minimum factor, 1.1: the limit ends a few MB above the live heap, and
 * ordinary promotion starts the next full GC at once. Measured in detection-inference's worker at
 * 85 frames/s (`--trace-gc`): a mark-compact every ~200 ms with 54 MB live, the worker's mutator
 * utilization 0.82, and ~2.6 ms of CPU per frame on V8's marking threads (perf). With a factor of
 * 2 (100%): 2–4 full GCs in 60 s, and the service used 2.6–3.5 ms less CPU per frame. The cost is
 * heap headroom: up to twice the live heap (~110 MB instead of ~60 MB).
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
