import { readImageRef, type ObjectBytesReader } from '../data/image-ref.reader';
import type { PreprocessInput } from '../data/preprocess';
import type { LabelledSample } from '../data/sample';
import { DetectorRunner } from './detector.runner';
import type { ModelPackage } from './model-package.store';

export interface ServingLatencyComparison {
  /** Median over the rounds of each model's time per frame (decode, letterbox, runtime, post-processing), ms. */
  readonly baselineMsPerFrame: number;
  readonly candidateMsPerFrame: number;
  /**
   * The median over the rounds of candidate ÷ baseline, each round timing the two back to back:
   * load from other processes that drifts across rounds slows both sides of a pair alike and
   * cancels in the ratio, where it would not in a ratio of two medians.
   */
  readonly ratio: number;
  readonly rounds: number;
  readonly frames: number;
}

export interface ServingLatencyOptions {
  readonly batchSize: number;
  readonly rounds: number;
  readonly objects?: ObjectBytesReader;
  /** Nanoseconds (default process.hrtime.bigint); a test gives a clock its fake runners advance, so load on the machine cannot move the figures. */
  readonly clock?: () => bigint;
}

/**
 * Times two detectors on the same frames the way a service serves them (batches through the
 * DetectorRunner: decode, letterbox, runtime, decoding, NMS). The frames' bytes are read once
 * beforehand, so object-store reads never count; each model runs one untimed warm-up pass; the
 * rounds alternate which model goes first, so neither always pays for a cold cache. Null when no
 * frame could be read.
 */
export async function compareServingLatency(
  baseline: DetectorRunner,
  candidate: DetectorRunner,
  samples: readonly LabelledSample[],
  options: ServingLatencyOptions,
): Promise<ServingLatencyComparison | null> {
  const withTemplate = baseline.metadata.template.required || candidate.metadata.template.required;
  const inputs: PreprocessInput[] = [];
  for (const s of samples) {
    try {
      const [image, template] = await Promise.all([
        readImageRef(s.image, options.objects),
        withTemplate && s.template ? readImageRef(s.template, options.objects) : undefined,
      ]);
      inputs.push({ image, ...(template ? { template } : {}), label: s.id });
    } catch {
      // An unreadable frame times nothing; the others still compare the two models alike.
    }
  }
  if (inputs.length === 0) return null;
  const batchSize = Math.max(1, options.batchSize);
  const clock = options.clock ?? (() => process.hrtime.bigint());
  const pass = async (runner: DetectorRunner) => {
    const started = clock();
    for (let start = 0; start < inputs.length; start += batchSize) await runner.detect(inputs.slice(start, start + batchSize));
    return Number(clock() - started) / 1e6 / inputs.length;
  };
  await pass(baseline);
  await pass(candidate);
  const base: number[] = [];
  const cand: number[] = [];
  const ratios: number[] = [];
  const rounds = Math.max(1, options.rounds);
  for (let round = 0; round < rounds; round++) {
    let b: number;
    let c: number;
    if (round % 2 === 0) {
      b = await pass(baseline);
      c = await pass(candidate);
    } else {
      c = await pass(candidate);
      b = await pass(baseline);
    }
    base.push(b);
    cand.push(c);
    ratios.push(c / b);
  }
  return {
    baselineMsPerFrame: median(base),
    candidateMsPerFrame: median(cand),
    ratio: median(ratios),
    rounds,
    frames: inputs.length,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** What a latency gate judges: each model's ms per frame, and the paired-rounds ratio candidate ÷ baseline. */
export interface PackageLatencyComparison {
  readonly production: number;
  readonly candidate: number;
  readonly ratio: number;
}

/**
 * Two model packages served alike (ONNX Runtime threads, batch) and timed by `compareServingLatency`
 * on the first frames (at least a batch, at least 12): the latency figure of a candidate's gates.
 * Null when no frame could be read.
 */
export async function comparePackageServingLatency(
  production: ModelPackage,
  candidate: ModelPackage,
  samples: readonly LabelledSample[],
  options: ServingLatencyOptions & { readonly threads: number },
): Promise<PackageLatencyComparison | null> {
  const frames = samples.slice(0, Math.max(options.batchSize, 12));
  const runners = await Promise.all([production, candidate].map((pkg) => DetectorRunner.open(pkg, { threads: options.threads })));
  const [productionRunner, candidateRunner] = runners as [DetectorRunner, DetectorRunner];
  try {
    const compared = await compareServingLatency(productionRunner, candidateRunner, frames, options);
    return compared && { production: compared.baselineMsPerFrame, candidate: compared.candidateMsPerFrame, ratio: compared.ratio };
  } finally {
    await Promise.all(runners.map((r) => r.dispose()));
  }
}
