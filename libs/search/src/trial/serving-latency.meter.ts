import {
  benchmarkOnnxInference,
  exportDetectorToOnnx,
  initialWeights,
  inputChannels,
  OnnxDetectorSession,
  SeededRandom,
  type ArchitectureSpec,
} from '@argus/vision';
import type { SearchObjective } from '../search.types';

/** A model to time: its spec and its ONNX bytes (weights do not change latency, only the graph). */
export interface TimedModel {
  readonly spec: ArchitectureSpec;
  readonly onnx: Uint8Array;
}

/**
 * The fixed model a trial is timed against on a busy machine, with its latency measured once on
 * the quiet machine (by the caller, with `measureServingLatency`).
 */
export interface LatencyReference extends TimedModel {
  readonly quietMs: number;
}

export type ServingSettings = Pick<SearchObjective, 'servingBatch' | 'servingThreads'>;

export interface ServingLatency {
  /** Milliseconds per image: a batch's time divided by its images. */
  readonly msPerImage: number;
  readonly batchSize: number;
  readonly threads: number;
  readonly batches: number;
}

export interface PairedServingLatency {
  /** Median over the rounds of candidate ÷ reference, each round timing the two back to back. */
  readonly ratio: number;
  readonly rounds: number;
  /** Batches of each model per round. */
  readonly batchesPerRound: number;
  /** The medians of each side's ms per image over the rounds (busy-machine figures, for the log). */
  readonly candidateMs: number;
  readonly referenceMs: number;
}

/** A spec with seeded fresh weights, exported: what the latency of an architecture is timed on. */
export function timedModelOf(spec: ArchitectureSpec, seed = 1): TimedModel {
  return { spec, onnx: exportDetectorToOnnx(spec, initialWeights(spec, seed)) };
}

/**
 * An architecture's latency as served: its ONNX model through ONNX Runtime at the serving batch
 * and thread count, on a preprocessed batch (decoding and NMS are the same work for every
 * architecture of an input size, and are left out). What the caller uses for the reference's quiet
 * figure and to re-measure front points on a quiet machine.
 */
export async function measureServingLatency(
  model: ArchitectureSpec | TimedModel,
  serving: ServingSettings,
  options: { readonly minSeconds?: number; readonly seed?: number } = {},
): Promise<ServingLatency> {
  const timed = 'onnx' in model ? model : timedModelOf(model, options.seed ?? 1);
  checkServing(serving);
  const m = await benchmarkOnnxInference(timed.onnx, timed.spec, serving.servingBatch, {
    threads: serving.servingThreads,
    minSeconds: options.minSeconds ?? 3,
    minBatches: 10,
    warmupBatches: 3,
  });
  return { msPerImage: m.msPerBatch / m.batchSize, batchSize: m.batchSize, threads: serving.servingThreads, batches: m.batches };
}

/**
 * Times a candidate against the reference in alternating rounds on the same machine, the order
 * swapping each round: whatever else runs (the other trial worker's training) slows both sides of
 * a round alike and cancels in the round's ratio. The caller scales the median ratio by the
 * reference's quiet latency.
 */
export async function pairedServingLatency(
  candidate: TimedModel,
  reference: TimedModel,
  serving: ServingSettings,
  options: { readonly rounds?: number; readonly minRoundMs?: number } = {},
): Promise<PairedServingLatency> {
  checkServing(serving);
  const rounds = Math.max(1, options.rounds ?? 7);
  const minRoundMs = options.minRoundMs ?? 150;
  const candidateRun = await batchRunner(candidate, serving);
  try {
    const referenceRun = await batchRunner(reference, serving);
    try {
      // Warm-up (untimed), which also sizes a round: enough batches of the slower model to last minRoundMs.
      let slowest = 0;
      for (const run of [candidateRun, referenceRun]) {
        await run.time(2);
        slowest = Math.max(slowest, await run.time(1));
      }
      const batchesPerRound = Math.max(2, Math.ceil(minRoundMs / Math.max(slowest, 1e-3)));
      const ratios: number[] = [];
      const cand: number[] = [];
      const ref: number[] = [];
      for (let round = 0; round < rounds; round++) {
        let c: number;
        let r: number;
        if (round % 2 === 0) {
          c = await candidateRun.time(batchesPerRound);
          r = await referenceRun.time(batchesPerRound);
        } else {
          r = await referenceRun.time(batchesPerRound);
          c = await candidateRun.time(batchesPerRound);
        }
        ratios.push(c / r);
        cand.push(c / serving.servingBatch);
        ref.push(r / serving.servingBatch);
      }
      return { ratio: median(ratios), rounds, batchesPerRound, candidateMs: median(cand), referenceMs: median(ref) };
    } finally {
      await referenceRun.dispose();
    }
  } finally {
    await candidateRun.dispose();
  }
}

/** A session and a fixed seeded batch; `time(n)` runs n batches and returns ms per batch. */
async function batchRunner(model: TimedModel, serving: ServingSettings) {
  const session = await OnnxDetectorSession.create(model.onnx, { intraOpNumThreads: serving.servingThreads });
  const dims: [number, number, number, number] = [
    serving.servingBatch,
    inputChannels(model.spec),
    model.spec.input.height,
    model.spec.input.width,
  ];
  const random = new SeededRandom(1);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random.next();
  return {
    async time(batches: number): Promise<number> {
      const started = process.hrtime.bigint();
      for (let i = 0; i < batches; i++) await session.run(data, dims);
      return Number(process.hrtime.bigint() - started) / 1e6 / batches;
    },
    dispose: () => session.dispose(),
  };
}

function checkServing(serving: ServingSettings): void {
  if (!(Number.isInteger(serving.servingBatch) && serving.servingBatch >= 1)) {
    throw new RangeError(`servingBatch must be a whole number ≥ 1, got ${serving.servingBatch}`);
  }
  if (!(Number.isInteger(serving.servingThreads) && serving.servingThreads >= 1)) {
    throw new RangeError(`servingThreads must be a whole number ≥ 1, got ${serving.servingThreads}`);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
