import {
  checkSpec,
  countMacs,
  countParams,
  DEFAULT_TRAINER_CONFIG,
  exportDetectorToOnnx,
  initialWeights,
  metricsOf,
  predictLoadedSamplesOnnx,
  selectionScore,
  trainDetector,
  type ArchitectureSpec,
  type DetectorWeights,
  type TrainerConfig,
  type TrainingCheckpoint,
  type TrainingCheckpointPort,
  type TrainingState,
} from '@argus/vision';
import type { SearchObjective, TrialMeasurement, TrialRequest } from '../search.types';
import type { SearchData } from './search-data';
import { measureServingLatency, pairedServingLatency, type LatencyReference } from './serving-latency.meter';
import { InvalidTrialBudgetError, InvalidTrialSpecError, TrialClassesMismatchError, TrialInterruptedError } from './trial.errors';

/** The crop side the shipped DeepPCB model trains on (smaller inputs train on the whole input). */
export const PROXY_CROP = 128;

/** NMS IoU of a trial's AP (fixed, not tuned per trial: defects rarely overlap, so low). */
export const PROXY_NMS_IOU = 0.3;

/**
 * The shipped DeepPCB model's training recipe (models/deeppcb/metadata.json), less what a proxy
 * does differently: no early stopping, no validation during training, the last weights kept,
 * and a warm-up that is a fixed share of the run instead of a whole epoch.
 */
export const PROXY_TRAINER_CONFIG: TrainerConfig = {
  ...DEFAULT_TRAINER_CONFIG,
  batchSize: 16,
  learningRate: 3e-3,
  finalLearningRateFactor: 0.02,
  weightDecay: 5e-4,
  augmentation: {
    boxCentredFraction: 0.6,
    maxShift: 8,
    horizontalFlip: true,
    verticalFlip: true,
    transpose: true,
    brightness: 0.05,
    contrast: 0.1,
  },
  patience: 0,
  emaDecay: 0.998,
  ship: 'last',
  progressEverySeconds: 60,
};

/** Share of a proxy run spent warming up the learning rate. */
export const PROXY_WARMUP_SHARE = 0.1;

export interface TrialContext {
  readonly data: SearchData;
  readonly objective: Pick<SearchObjective, 'servingBatch' | 'servingThreads'>;
  /** Time against this reference (paired-ratio); without one the trial is timed alone (measured). */
  readonly latencyReference?: LatencyReference;
  /** Alternating rounds of the paired timing (default 7); seconds of a lone measurement (default 3). */
  readonly latencyTiming?: { readonly rounds?: number; readonly minSeconds?: number };
  /** Overrides of the proxy recipe (tests shrink the batch). */
  readonly trainer?: Partial<TrainerConfig>;
  readonly log?: (line: string) => void;
  /** Polled between training steps: true stops the trial with TrialInterruptedError. */
  readonly shouldStop?: () => boolean;
}

/** The checks `evaluateTrial` makes before spending anything: the spec and the budget. */
export function checkTrialRequest(request: TrialRequest, dataClasses: readonly string[]): ArchitectureSpec {
  const checked = checkSpec(request.spec);
  if (!checked.success) throw new InvalidTrialSpecError(request.trialId, checked.issues);
  const { epochs, trainImages, cropsPerImage } = request.budget;
  for (const [name, value] of [
    ['epochs', epochs],
    ['trainImages', trainImages],
    ['cropsPerImage', cropsPerImage],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 1))
      throw new InvalidTrialBudgetError(request.trialId, `${name} must be a whole number ≥ 1, got ${value}`);
  }
  if (!Number.isInteger(request.seed))
    throw new InvalidTrialBudgetError(request.trialId, `seed must be a whole number, got ${request.seed}`);
  if (!checked.spec.classes.some((c) => dataClasses.includes(c))) {
    throw new TrialClassesMismatchError(request.trialId, checked.spec.classes, dataClasses);
  }
  return checked.spec;
}

/** The trainer settings of one trial: the proxy recipe at the request's budget, crop and seed. */
export function proxyTrainerConfig(
  request: TrialRequest,
  spec: ArchitectureSpec,
  data: SearchData,
  overrides: Partial<TrainerConfig> = {},
): TrainerConfig {
  const totalStride = spec.backbone.stages.reduce((s, st) => s * st.stride, 1);
  const cropSide = (side: number) => Math.max(totalStride, Math.floor(Math.min(PROXY_CROP, side) / totalStride) * totalStride);
  return {
    ...PROXY_TRAINER_CONFIG,
    augmentation: { ...PROXY_TRAINER_CONFIG.augmentation, transpose: data.rotationInvariant },
    epochs: request.budget.epochs,
    cropsPerImage: request.budget.cropsPerImage,
    warmupEpochs: request.budget.epochs * PROXY_WARMUP_SHARE,
    crop: { width: cropSide(spec.input.width), height: cropSide(spec.input.height) },
    seed: request.seed,
    selectionMetric: data.metric,
    ...overrides,
  };
}

/**
 * One trial: proxy training of the request's spec on the budget's seeded subset of search-train,
 * AP on search-val through ONNX Runtime, and the latency as served. A run whose losses go NaN or
 * that detects nothing scores AP 0; a spec or budget that cannot run is an error (TrialError).
 * Nothing is written to disk: a proxy run never resumes (a trial that dies is run again).
 */
export async function evaluateTrial(request: TrialRequest, context: TrialContext): Promise<TrialMeasurement> {
  const { data } = context;
  const log = context.log ?? (() => undefined);
  const spec = checkTrialRequest(request, data.classes);
  const config = proxyTrainerConfig(request, spec, data, context.trainer);

  const decodeStarted = Date.now();
  const images = await data.imagesFor(spec, request.budget.trainImages);
  const decodeSeconds = (Date.now() - decodeStarted) / 1000;
  // Decoding is paid once per worker and input variant; a trial's own cost starts after it.
  if (decodeSeconds >= 1)
    log(`trial ${request.trialId}: decoded images for ${spec.input.width}x${spec.input.height} in ${decodeSeconds.toFixed(1)} s`);
  if (images.train.length === 0 || images.validation.length === 0) {
    throw new InvalidTrialBudgetError(
      request.trialId,
      `no decodable images (${images.train.length} training, ${images.validation.length} validation; ${images.skipped.length} skipped)`,
    );
  }
  const trainStarted = Date.now();
  let weights: DetectorWeights | null = null;
  let diverged: string | null = null;
  try {
    const result = await trainDetector({
      spec,
      train: images.train,
      validation: [],
      runDir: `trial ${request.trialId} rung ${request.rung}`,
      checkpoints: new DiscardedCheckpoints(),
      config,
      dataFingerprint: `search:${data.source}:${data.seed}:${request.budget.trainImages}`,
      log: (line) => log(`trial ${request.trialId}: ${line}`),
      ...(context.shouldStop ? { shouldStop: context.shouldStop } : {}),
    });
    if (result.stopReason === 'interrupted') throw new TrialInterruptedError(request.trialId);
    if (result.skippedSteps >= result.state.globalStep) diverged = `every one of ${result.state.globalStep} steps had a non-finite loss`;
    else weights = result.weights;
  } catch (error) {
    // The trainer ends a run whose steps keep producing NaN losses; for a search that is a bad
    // architecture (or learning rate for it), scored AP 0 like any other poor result.
    if (!(error instanceof Error && error.message.startsWith('training diverged'))) throw error;
    diverged = error.message;
  }
  const trainSeconds = (Date.now() - trainStarted) / 1000;

  const evalStarted = Date.now();
  let ap = 0;
  if (weights && allFinite(weights)) {
    const predictions = await predictLoadedSamplesOnnx(spec, weights, images.validation, {
      classes: spec.classes,
      scoreThreshold: 0.05,
      iouThreshold: PROXY_NMS_IOU,
      threads: context.objective.servingThreads,
    });
    ap = selectionScore(metricsOf(predictions, spec.classes), data.metric);
  } else {
    log(`trial ${request.trialId}: ${diverged ?? 'non-finite weights after training'}: AP 0`);
  }
  // Latency depends on the graph, not the weights: seeded fresh ones time a diverged run too.
  const onnx = exportDetectorToOnnx(spec, weights && allFinite(weights) ? weights : initialWeights(spec, request.seed));
  let latencyMs: number;
  let latencySource: TrialMeasurement['latencySource'];
  if (context.latencyReference) {
    const paired = await pairedServingLatency({ spec, onnx }, context.latencyReference, context.objective, {
      ...(context.latencyTiming?.rounds !== undefined ? { rounds: context.latencyTiming.rounds } : {}),
    });
    latencyMs = paired.ratio * context.latencyReference.quietMs;
    latencySource = 'paired-ratio';
  } else {
    latencyMs = (
      await measureServingLatency({ spec, onnx }, context.objective, {
        ...(context.latencyTiming?.minSeconds !== undefined ? { minSeconds: context.latencyTiming.minSeconds } : {}),
      })
    ).msPerImage;
    latencySource = 'measured';
  }
  const evalSeconds = (Date.now() - evalStarted) / 1000;
  return {
    ap: Number.isFinite(ap) ? Math.min(1, Math.max(0, ap)) : 0,
    latencyMs,
    latencySource,
    params: countParams(spec),
    macs: countMacs(spec),
    trainSeconds,
    evalSeconds,
  };
}

function allFinite(weights: DetectorWeights): boolean {
  return Object.values(weights).every((w) => w.values.every(Number.isFinite));
}

/** A proxy run keeps no checkpoints: it never resumes, and ships its last weights. */
class DiscardedCheckpoints implements TrainingCheckpointPort {
  async saveCheckpoint(_checkpoint: TrainingCheckpoint): Promise<void> {
    // nothing to keep: a proxy run is rerun from the start, never resumed
  }
  async hasCheckpoint(): Promise<boolean> {
    return false;
  }
  async loadCheckpoint(): Promise<TrainingCheckpoint> {
    throw new Error('a proxy run keeps no checkpoint');
  }
  async saveBest(_weights: DetectorWeights, _state: TrainingState): Promise<void> {
    // no validation during a proxy run, so no best epoch
  }
  async loadBest(): Promise<undefined> {
    return undefined;
  }
}
