import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { ArchitectureSpec } from '../core/architecture-spec';
import { DetectorModel, flattenHeadLevels } from '../core/detector-model';
import { initDetectorWeights, type DetectorWeights } from '../core/detector-weights';
import { hashStringWithSeed, SeededRandom } from '../data/seeded-random';
import { DistillationLoss, type DistillationWeights } from '../continual/distillation.loss';
import { AdamOptimizer } from './adam.optimizer';
import { batchTargets, DetectionLoss, disposeBatchTargets, type BatchTargets, type DetectionLossWeights } from './detection.loss';
import {
  metricsOf,
  predictLoadedSamples,
  predictLoadedSamplesOnnx,
  selectionScore,
  type SelectionMetric,
  type ValidationMetrics,
} from './detector.validator';
import type { EvaluationImage } from '../eval/evaluation-image';
import { HeadLayout } from './head.layout';
import { assignHeadTargets } from './head-target.assigner';
import { learningRateAt } from './learning-rate.schedule';
import { augmentSample, type AugmentationOptions } from './sample.augmenter';
import { buildTrainingBatch } from './training-batch.builder';
import { TrainingCheckpointStore, type EpochRecord, type TrainingCheckpointPort, type TrainingState } from './training-checkpoint.store';
import type { LoadedSample } from './training-image.loader';
import { formatDuration, TrainingProgressTracker } from './training-progress.tracker';

export interface TrainerConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** Peak learning rate (after warm-up). */
  readonly learningRate: number;
  /** Warm-up length in epochs (may be fractional). */
  readonly warmupEpochs: number;
  /** Final learning rate of the cosine decay, as a fraction of the peak. */
  readonly finalLearningRateFactor: number;
  /** AdamW decoupled weight decay on convolution kernels. */
  readonly weightDecay: number;
  /** Train on crops of this size (multiples of the total stride); omitted: whole images. */
  readonly crop?: { readonly width: number; readonly height: number };
  /** Crops (or augmented copies) of every training image per epoch. */
  readonly cropsPerImage: number;
  readonly augmentation: Omit<AugmentationOptions, 'outputWidth' | 'outputHeight'>;
  readonly seed: number;
  /** Stop after this many epochs without a better validation score (0: never). */
  readonly patience: number;
  /** Stop (checkpoint kept) once this much wall time has passed in this process. */
  readonly maxMinutes?: number;
  /** Exponential moving average of the weights (validated and shipped); 0 turns it off. */
  readonly emaDecay: number;
  readonly selectionMetric: SelectionMetric;
  readonly lossWeights?: DetectionLossWeights;
  readonly centreRadius?: number;
  readonly focalGamma?: number;
  readonly validationBatchSize?: number;
  /** Validation through ONNX Runtime (default: an order of magnitude faster) or TF.js. */
  readonly validationRuntime?: 'onnxruntime' | 'tfjs';
  /** Score threshold of validation detections (low: AP counts every detection). */
  readonly validationScoreThreshold?: number;
  /** Seconds between progress lines (default 30). */
  readonly progressEverySeconds?: number;
  /**
   * Ship the weights of the best validation epoch (default), or those at the end of the run. A
   * fine-tune whose validation frames are also the ones it is reported on ships the last weights,
   * so nothing is picked on the split that measures it.
   */
  readonly ship?: 'best' | 'last';
}

export const DEFAULT_TRAINER_CONFIG: TrainerConfig = {
  epochs: 30,
  batchSize: 16,
  learningRate: 2e-3,
  warmupEpochs: 1,
  finalLearningRateFactor: 0.02,
  weightDecay: 5e-4,
  cropsPerImage: 1,
  augmentation: {},
  seed: 1,
  patience: 8,
  emaDecay: 0.998,
  selectionMetric: 'map50',
};

export type StopReason = 'completed' | 'early-stopping' | 'time-budget' | 'interrupted';

export interface TrainDetectorInput {
  readonly spec: ArchitectureSpec;
  readonly train: readonly LoadedSample[];
  readonly validation: readonly LoadedSample[];
  readonly runDir: string;
  /** Where checkpoints go (default: the run folder, see TrainingCheckpointStore). */
  readonly checkpoints?: TrainingCheckpointPort;
  readonly config: TrainerConfig;
  /** Continue the run in runDir (it must be the same run: spec, data and schedule). */
  readonly resume?: boolean;
  readonly dataFingerprint: string;
  /** Receives each progress line. */
  readonly log?: (line: string) => void;
  /** Polled between steps: true saves a checkpoint and stops (Ctrl-C). */
  readonly shouldStop?: () => boolean;
  readonly now?: () => number;
  /**
   * Fine-tuning: start from these weights (a parent's, head-grown when classes were added) instead
   * of a fresh initialisation. `fingerprint` names them in the run key, so a resume cannot mix runs.
   */
  readonly start?: { readonly weights: DetectorWeights; readonly fingerprint: string };
  /** Weights whose names start with one of these are not trained (e.g. `backbone.stages.0.`). */
  readonly frozenPrefixes?: readonly string[];
  /** Distil the parent's outputs into the model being trained (see DistillationLoss). */
  readonly distillation?: DistillationSettings;
  /** Extra validation figures for the progress line (e.g. AP on old and on new classes), from the same predictions. */
  readonly validationBreakdown?: (predictions: readonly EvaluationImage[]) => Readonly<Record<string, number>>;
}

export interface DistillationSettings {
  /** The parent: its spec (its classes are the first classes of the trained spec) and weights. */
  readonly teacher: { readonly spec: ArchitectureSpec; readonly weights: DetectorWeights };
  /** The distillation loss's weight in the total loss. */
  readonly weight: number;
  readonly selectionThreshold?: number;
  readonly termWeights?: DistillationWeights;
}

export interface TrainingResult {
  /** The weights to ship: the best validated ones (EMA when enabled), else the last. */
  readonly weights: DetectorWeights;
  readonly bestEpoch: number | null;
  readonly metrics: ValidationMetrics | null;
  readonly state: TrainingState;
  readonly stopReason: StopReason;
  /** Training images (crops) per second, optimisation steps only. */
  readonly trainImagesPerSecond: number;
  readonly wallSeconds: number;
  /** Optimisation steps skipped for a non-finite loss. */
  readonly skippedSteps: number;
}

export class TrainingRunMismatchError extends Error {
  readonly code = 'TRAINING_RUN_MISMATCH';
}

function runKeyOf(input: TrainDetectorInput): string {
  const c = input.config;
  const key = {
    spec: input.spec,
    data: input.dataFingerprint,
    epochs: c.epochs,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    warmupEpochs: c.warmupEpochs,
    finalLearningRateFactor: c.finalLearningRateFactor,
    weightDecay: c.weightDecay,
    crop: c.crop ?? null,
    cropsPerImage: c.cropsPerImage,
    augmentation: c.augmentation,
    seed: c.seed,
    emaDecay: c.emaDecay,
    lossWeights: c.lossWeights ?? null,
    centreRadius: c.centreRadius ?? null,
    focalGamma: c.focalGamma ?? null,
    ...(input.start ? { start: input.start.fingerprint } : {}),
    ...(input.frozenPrefixes?.length ? { frozen: input.frozenPrefixes } : {}),
    ...(input.distillation
      ? {
          distillation: {
            weight: input.distillation.weight,
            threshold: input.distillation.selectionThreshold ?? null,
            terms: input.distillation.termWeights ?? null,
          },
        }
      : {}),
  };
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16);
}

/** The model's trainable variables less those under a frozen prefix (all of them must exist). */
function trainedVariables(model: DetectorModel, frozenPrefixes: readonly string[] = []): Map<string, tf.Variable> {
  const all = model.trainableVariables();
  for (const prefix of frozenPrefixes) {
    if (![...all.keys()].some((name) => name.startsWith(prefix)))
      throw new RangeError(`no trainable weight starts with "${prefix}" (frozen prefix)`);
  }
  const trained = new Map([...all].filter(([name]) => !frozenPrefixes.some((prefix) => name.startsWith(prefix))));
  if (trained.size === 0) throw new RangeError('every weight is frozen: nothing to train');
  return trained;
}

/** The teacher model and loss for a fine-tune; the teacher's classes must lead the trained spec's. */
function distillationFor(settings: DistillationSettings, spec: ArchitectureSpec): NonNullable<TrainingStepOptions['distillation']> {
  const parentClasses = settings.teacher.spec.classes;
  if (parentClasses.some((name, i) => spec.classes[i] !== name)) {
    throw new RangeError(
      `the teacher's classes (${parentClasses.join(', ')}) must be the first classes of the model trained (${spec.classes.join(', ')})`,
    );
  }
  if (!(settings.weight >= 0)) throw new RangeError(`distillation weight must be ≥ 0, got ${settings.weight}`);
  const addedClassIndices = spec.classes.map((_, i) => i).slice(parentClasses.length);
  return {
    teacher: DetectorModel.fromWeights(settings.teacher.spec, settings.teacher.weights),
    loss: new DistillationLoss({
      parentClassCount: parentClasses.length,
      addedClassCount: addedClassIndices.length,
      ...(settings.selectionThreshold !== undefined ? { selectionThreshold: settings.selectionThreshold } : {}),
      ...(settings.termWeights ? { weights: settings.termWeights } : {}),
    }),
    weight: settings.weight,
    addedClassIndices,
  };
}

/** The order images are visited in during one epoch: each cropsPerImage times, shuffled by seed and epoch. */
export function epochOrder(imageCount: number, cropsPerImage: number, seed: number, epoch: number): number[] {
  const order: number[] = [];
  for (let r = 0; r < cropsPerImage; r++) for (let i = 0; i < imageCount; i++) order.push(i);
  const rng = new SeededRandom(hashStringWithSeed(`order:${epoch}`, seed));
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * One optimisation step: forward in training mode, the loss, gradients of every trainable weight,
 * an AdamW update — skipped when the loss is not finite. Returns [total, objectness,
 * classification, box] loss values, and the distillation loss (unweighted) when there is one.
 */
export async function trainingStep(
  model: DetectorModel,
  loss: DetectionLoss,
  optimizer: AdamOptimizer,
  x: tf.Tensor4D,
  targets: BatchTargets,
  learningRate: number,
  options: TrainingStepOptions = {},
): Promise<number[]> {
  const channels = 5 + model.spec.classes.length;
  const parts: tf.Scalar[] = [];
  const variables = options.variables ?? model.trainableVariables();
  const distil = options.distillation;
  // The teacher runs in inference mode outside the tape: its output is a constant target.
  const teacherRaw = distil ? distil.teacher.predict(x) : undefined;
  const addedObjects = distil && teacherRaw ? addedClassObjects(targets, distil.addedClassIndices) : undefined;
  const { value, grads } = tf.variableGrads(() => {
    const raw = flattenHeadLevels(model.forward(x, { training: true }), channels);
    const l = loss.compute(raw, targets);
    parts.push(tf.keep(l.objectness), tf.keep(l.classification), tf.keep(l.box));
    if (!distil || !teacherRaw || !addedObjects) return l.total;
    const d = distil.loss.compute(raw, teacherRaw, addedObjects);
    parts.push(tf.keep(d.total));
    return tf.add(l.total, tf.mul(d.total, distil.weight)) as tf.Scalar;
  }, [...variables.values()]);
  teacherRaw?.dispose();
  addedObjects?.dispose();
  try {
    const values = [(await value.data())[0] as number, ...parts.map((p) => p.dataSync()[0] as number)];
    if (values.every(Number.isFinite)) {
      const byName = new Map<string, tf.Tensor>();
      for (const [name, variable] of variables) {
        const g = grads[variable.name];
        if (g !== undefined) byName.set(name, g);
      }
      optimizer.apply(byName, learningRate);
    }
    return values;
  } finally {
    tf.dispose([value, ...Object.values(grads), ...parts]);
  }
}

export interface TrainingStepOptions {
  /** The variables to train (default: every trainable one); fine-tuning leaves frozen stages out. */
  readonly variables?: Map<string, tf.Variable>;
  readonly distillation?: {
    readonly teacher: DetectorModel;
    readonly loss: DistillationLoss;
    readonly weight: number;
    readonly addedClassIndices: readonly number[];
  };
}

/** 1 on cells that are positive for an object of an added class, else 0: [batch, cells]. */
function addedClassObjects(targets: BatchTargets, addedClassIndices: readonly number[]): tf.Tensor2D {
  return tf.tidy(() => {
    if (addedClassIndices.length === 0) return tf.zerosLike(targets.positive);
    const added = tf.max(tf.gather(targets.classes, [...addedClassIndices], 2), -1);
    return tf.mul(tf.cast(tf.greater(added, 0), 'float32'), targets.positive) as tf.Tensor2D;
  });
}

/**
 * Fresh weights for training: the core's initialisation, except that class logits start at 0.
 * The core sets them at the focal-loss prior (classes scored over every cell); here classes are
 * learnt on positive cells only (channel 0 carries the prior), where a prior of 0.5 fits.
 */
export function initialWeights(spec: ArchitectureSpec, seed: number): DetectorWeights {
  const weights = initDetectorWeights(spec, seed);
  for (const stride of spec.head.strides) {
    weights[`head.s${stride}.predict.bias`]?.values.fill(0, 1, 1 + spec.classes.length);
  }
  return weights;
}

function emaUpdate(ema: DetectorWeights, weights: DetectorWeights, decay: number): void {
  for (const [name, w] of Object.entries(weights)) {
    const e = ema[name];
    if (e === undefined) {
      ema[name] = { shape: [...w.shape], values: Float32Array.from(w.values) };
      continue;
    }
    const ev = e.values;
    const wv = w.values;
    for (let i = 0; i < ev.length; i++) ev[i] = decay * (ev[i] as number) + (1 - decay) * (wv[i] as number);
  }
}

/**
 * Trains a detector: seeded crops with augmentation, anchor-free targets, the detection loss,
 * AdamW with warm-up and cosine decay, an EMA of the weights, validation every epoch, the best
 * checkpoint kept, early stopping, a wall-time budget, and a checkpoint every epoch (and on stop)
 * from which `resume` continues exactly. Runs on the active TF.js backend (selectTfBackend).
 */
export async function trainDetector(input: TrainDetectorInput): Promise<TrainingResult> {
  const { spec, config } = input;
  const now = input.now ?? (() => Date.now());
  const log = input.log ?? (() => undefined);
  const wallStart = now();
  const store = input.checkpoints ?? new TrainingCheckpointStore(input.runDir);
  const classes = spec.classes;
  if (input.train.length === 0) throw new RangeError('no training images (all skipped or none given)');
  if (!(config.batchSize >= 1)) throw new RangeError(`batch size must be at least 1, got ${config.batchSize}`);
  const crop = config.crop ?? { width: spec.input.width, height: spec.input.height };
  const totalStride = spec.backbone.stages.reduce((s, st) => s * st.stride, 1);
  if (crop.width % totalStride !== 0 || crop.height % totalStride !== 0) {
    throw new RangeError(`crop ${crop.width}x${crop.height} must be a multiple of the total stride ${totalStride}`);
  }
  const stepsPerEpoch = Math.max(1, Math.floor((input.train.length * config.cropsPerImage) / config.batchSize));
  const totalSteps = stepsPerEpoch * config.epochs;
  const schedule = {
    peak: config.learningRate,
    warmupSteps: Math.min(totalSteps - 1, Math.round(config.warmupEpochs * stepsPerEpoch)),
    totalSteps,
    finalFactor: config.finalLearningRateFactor,
  };
  const runKey = runKeyOf(input);

  let state: TrainingState = {
    kind: 'argus.training-state',
    formatVersion: 1,
    runKey,
    epoch: 0,
    stepInEpoch: 0,
    globalStep: 0,
    emaUpdates: 0,
    bestScore: null,
    bestEpoch: null,
    epochsWithoutImprovement: 0,
    trainingSeconds: 0,
    wallSeconds: 0,
    imagesSeen: 0,
    skippedSteps: 0,
    history: [],
    stopReason: null,
  };
  let model: DetectorModel;
  let ema: DetectorWeights | undefined;
  let optimizer: AdamOptimizer;
  const optimizerOptions = { weightDecay: config.weightDecay };
  if (input.resume && (await store.hasCheckpoint())) {
    const checkpoint = await store.loadCheckpoint();
    if (checkpoint.state.runKey !== runKey) {
      throw new TrainingRunMismatchError(
        `${input.runDir} holds a different run (its spec, data or schedule differ); use a new --run-dir or the original options`,
      );
    }
    state = { ...checkpoint.state, stopReason: null };
    model = DetectorModel.fromWeights(spec, checkpoint.weights);
    ema = checkpoint.ema;
    optimizer = new AdamOptimizer(trainedVariables(model, input.frozenPrefixes), optimizerOptions);
    optimizer.setState(checkpoint.optimizer);
    log(
      `resuming ${input.runDir} at epoch ${state.epoch + 1}, step ${state.stepInEpoch}/${stepsPerEpoch} (best ${state.bestScore?.toFixed(4) ?? '—'})`,
    );
    if (checkpoint.state.stopReason === 'completed' || checkpoint.state.stopReason === 'early-stopping') {
      state = { ...state, stopReason: checkpoint.state.stopReason };
    }
  } else {
    model = DetectorModel.fromWeights(spec, input.start?.weights ?? initialWeights(spec, config.seed));
    optimizer = new AdamOptimizer(trainedVariables(model, input.frozenPrefixes), optimizerOptions);
    ema = config.emaDecay > 0 ? model.getWeights() : undefined;
  }
  const variables = trainedVariables(model, input.frozenPrefixes);
  const distillation = input.distillation ? distillationFor(input.distillation, spec) : undefined;

  const layout = new HeadLayout(crop.width, crop.height, spec.head.strides);
  const loss = new DetectionLoss(layout, {
    classCount: classes.length,
    ...(config.lossWeights ? { weights: config.lossWeights } : {}),
    ...(config.focalGamma !== undefined ? { focalGamma: config.focalGamma } : {}),
  });
  const tracker = new TrainingProgressTracker(now);
  const progressEvery = (config.progressEverySeconds ?? 30) * 1000;
  let lastProgress = now();
  let stopReason: StopReason | null = (state.stopReason as StopReason | null) ?? null;
  const budgetMs = config.maxMinutes !== undefined ? config.maxMinutes * 60_000 : Infinity;
  let sums = { loss: 0, obj: 0, cls: 0, box: 0, distil: 0, n: 0 };
  let lastValidation: ValidationMetrics | null = null;
  let lastBreakdown: Readonly<Record<string, number>> | null = null;
  let lastValidatedStep = -1;

  const shippedWeights = (): DetectorWeights => ema ?? model.getWeights();
  let lastWeights: DetectorWeights | undefined;

  const validate = async (): Promise<ValidationMetrics | null> => {
    if (input.validation.length === 0) return null;
    const options = {
      classes,
      scoreThreshold: config.validationScoreThreshold ?? 0.05,
      batchSize: config.validationBatchSize ?? 8,
    };
    let predictions: EvaluationImage[];
    if ((config.validationRuntime ?? 'onnxruntime') === 'onnxruntime') {
      predictions = await predictLoadedSamplesOnnx(spec, shippedWeights(), input.validation, options);
    } else {
      const evalModel = DetectorModel.fromWeights(spec, shippedWeights());
      try {
        predictions = predictLoadedSamples(evalModel, input.validation, options);
      } finally {
        evalModel.dispose();
      }
    }
    lastBreakdown = input.validationBreakdown ? input.validationBreakdown(predictions) : null;
    return metricsOf(predictions, classes);
  };

  const progressLine = (epoch: number, step: number): string => {
    const avg = (v: number) => (sums.n > 0 ? v / sums.n : NaN);
    const lr = learningRateAt(Math.min(state.globalStep, totalSteps - 1), schedule);
    const remainingSteps = totalSteps - state.globalStep;
    const remainingEpochs = config.epochs - epoch;
    const eta = tracker.etaMs(remainingSteps, remainingEpochs);
    const budgetLeft = budgetMs - (now() - wallStart);
    const v = lastValidation;
    const best = state.bestScore !== null ? ` best ${state.bestScore.toFixed(4)}@${(state.bestEpoch ?? 0) + 1}` : '';
    return (
      `epoch ${epoch + 1}/${config.epochs} step ${step}/${stepsPerEpoch} ` +
      `loss ${avg(sums.loss).toFixed(4)} (obj ${avg(sums.obj).toFixed(4)} cls ${avg(sums.cls).toFixed(4)} box ${avg(sums.box).toFixed(4)}` +
      `${distillation ? ` distil ${avg(sums.distil).toFixed(4)}` : ''}) ` +
      `lr ${lr.toExponential(2)} | val AP ${v ? `${v.deepPcbAp.toFixed(4)} (deeppcb) mAP50 ${v.map50.toFixed(4)}` : '—'}${best}` +
      `${
        lastBreakdown
          ? Object.entries(lastBreakdown)
              .map(([name, value]) => ` ${name} ${value.toFixed(4)}`)
              .join('')
          : ''
      } | ` +
      `${tracker.imagesPerSecond().toFixed(1)} img/s | elapsed ${formatDuration(now() - wallStart)} ETA ${formatDuration(eta)}` +
      (Number.isFinite(budgetLeft) && eta > budgetLeft ? ` (time budget ends in ${formatDuration(Math.max(0, budgetLeft))})` : '')
    );
  };

  const wallBase = state.wallSeconds;
  const saveCheckpoint = async (): Promise<void> => {
    state = { ...state, wallSeconds: wallBase === null ? null : wallBase + (now() - wallStart) / 1000 };
    await store.saveCheckpoint({
      state,
      weights: model.getWeights(),
      ...(ema ? { ema } : {}),
      optimizer: optimizer.getState(),
    });
  };

  const recordValidation = async (epoch: number, epochSeconds: number): Promise<void> => {
    const started = now();
    const metrics = await validate();
    tracker.recordValidation(now() - started);
    lastValidation = metrics;
    lastValidatedStep = state.globalStep;
    const record: EpochRecord = {
      epoch,
      loss: sums.n > 0 ? sums.loss / sums.n : NaN,
      objectnessLoss: sums.n > 0 ? sums.obj / sums.n : NaN,
      classificationLoss: sums.n > 0 ? sums.cls / sums.n : NaN,
      boxLoss: sums.n > 0 ? sums.box / sums.n : NaN,
      learningRate: learningRateAt(Math.min(state.globalStep, totalSteps - 1), schedule),
      deepPcbAp: metrics?.deepPcbAp ?? null,
      deepPcbFScore: metrics?.deepPcbFScore ?? null,
      map50: metrics?.map50 ?? null,
      map: metrics?.map ?? null,
      trainImagesPerSecond: tracker.imagesPerSecond(),
      seconds: epochSeconds,
    };
    const score = metrics ? selectionScore(metrics, config.selectionMetric) : null;
    const improved = score !== null && (state.bestScore === null || score > state.bestScore);
    state = {
      ...state,
      history: [...state.history.filter((h) => h.epoch !== epoch), record],
      ...(improved
        ? { bestScore: score, bestEpoch: epoch, epochsWithoutImprovement: 0 }
        : { epochsWithoutImprovement: state.epochsWithoutImprovement + 1 }),
    };
    if (improved || metrics === null) await store.saveBest(shippedWeights(), state);
  };

  try {
    epochs: for (let epoch = state.epoch; epoch < config.epochs && stopReason === null; epoch++) {
      const order = epochOrder(input.train.length, config.cropsPerImage, config.seed, epoch);
      const epochStarted = now();
      if (state.stepInEpoch === 0) sums = { loss: 0, obj: 0, cls: 0, box: 0, distil: 0, n: 0 };
      for (let step = state.stepInEpoch; step < stepsPerEpoch; step++) {
        if (input.shouldStop?.()) {
          stopReason = 'interrupted';
          break epochs;
        }
        if (now() - wallStart >= budgetMs) {
          stopReason = 'time-budget';
          break epochs;
        }
        const stepStarted = now();
        const augmented = [];
        for (let k = 0; k < config.batchSize; k++) {
          const position = step * config.batchSize + k;
          const image = input.train[order[position % order.length] as number] as LoadedSample;
          const rng = new SeededRandom(hashStringWithSeed(`aug:${epoch}:${position}`, config.seed));
          augmented.push(augmentSample(image, rng, { ...config.augmentation, outputWidth: crop.width, outputHeight: crop.height }));
        }
        const targets = augmented.map((a) =>
          assignHeadTargets(a.boxes, layout, {
            classCount: classes.length,
            style: spec.head.style,
            ...(config.centreRadius !== undefined ? { centreRadius: config.centreRadius } : {}),
          }),
        );
        const batch = buildTrainingBatch(augmented, spec.template);
        const lr = learningRateAt(state.globalStep, schedule);
        const x = tf.tensor4d(batch.data, batch.shape);
        const t = batchTargets(targets, layout, classes.length);
        let lossValues: number[];
        try {
          lossValues = await trainingStep(model, loss, optimizer, x, t, lr, { variables, ...(distillation ? { distillation } : {}) });
          if (!lossValues.every(Number.isFinite)) {
            state = { ...state, skippedSteps: state.skippedSteps + 1 };
            log(`step ${state.globalStep}: non-finite loss ${lossValues.join(', ')}, update skipped (${state.skippedSteps} so far)`);
            if (state.skippedSteps > 20 && state.skippedSteps > state.globalStep / 10) {
              throw new Error(`training diverged: ${state.skippedSteps} steps with a non-finite loss`);
            }
          }
        } finally {
          tf.dispose(x);
          disposeBatchTargets(t);
        }
        if (ema && lossValues.every(Number.isFinite)) {
          const updates = state.emaUpdates + 1;
          const decay = config.emaDecay * (1 - Math.exp(-updates / 100));
          emaUpdate(ema, model.getWeights(), decay);
          state = { ...state, emaUpdates: updates };
        }
        if (lossValues.every(Number.isFinite)) {
          const [total, obj, cls, box, distil = 0] = lossValues as [number, number, number, number, number?];
          sums = {
            loss: sums.loss + total,
            obj: sums.obj + obj,
            cls: sums.cls + cls,
            box: sums.box + box,
            distil: sums.distil + distil,
            n: sums.n + 1,
          };
        }
        tracker.recordStep(now() - stepStarted, config.batchSize);
        state = {
          ...state,
          stepInEpoch: step + 1,
          globalStep: state.globalStep + 1,
          imagesSeen: state.imagesSeen + config.batchSize,
          trainingSeconds: state.trainingSeconds + (now() - stepStarted) / 1000,
        };
        if (now() - lastProgress >= progressEvery) {
          lastProgress = now();
          log(progressLine(epoch, step + 1));
        }
      }
      // Epoch done: validate, keep the best, checkpoint, maybe stop early.
      await recordValidation(epoch, (now() - epochStarted) / 1000);
      state = { ...state, epoch: epoch + 1, stepInEpoch: 0 };
      log(progressLine(epoch, stepsPerEpoch));
      if (config.patience > 0 && state.epochsWithoutImprovement >= config.patience && epoch + 1 < config.epochs) {
        stopReason = 'early-stopping';
        log(`early stopping: no better validation score for ${config.patience} epochs`);
      }
      state = { ...state, stopReason };
      await saveCheckpoint();
    }
    if (stopReason === null) stopReason = 'completed';
    if ((stopReason === 'time-budget' || stopReason === 'interrupted') && state.globalStep !== lastValidatedStep && state.stepInEpoch > 0) {
      // Stopped mid-epoch: validate what we have, so the best checkpoint reflects the last steps too.
      await recordValidation(state.epoch, 0);
      log(`stopped (${stopReason}) at epoch ${state.epoch + 1} step ${state.stepInEpoch}: ${progressLine(state.epoch, state.stepInEpoch)}`);
    }
    state = { ...state, stopReason };
    await saveCheckpoint();
    lastWeights = shippedWeights();
  } finally {
    loss.dispose();
    optimizer.dispose();
    model.dispose();
    distillation?.teacher.dispose();
  }

  const best = await store.loadBest();
  const bestRecord = best ? best.state.history.find((h) => h.epoch === best.state.bestEpoch) : undefined;
  const metrics: ValidationMetrics | null =
    bestRecord && bestRecord.map50 !== null && bestRecord.deepPcbAp !== null
      ? {
          deepPcbAp: bestRecord.deepPcbAp,
          deepPcbFScore: bestRecord.deepPcbFScore ?? NaN,
          map50: bestRecord.map50,
          map: bestRecord.map ?? NaN,
          imageCount: input.validation.length,
        }
      : null;
  return {
    weights: config.ship === 'last' ? (lastWeights as DetectorWeights) : (best?.weights ?? (lastWeights as DetectorWeights)),
    bestEpoch: best?.state.bestEpoch ?? null,
    metrics,
    state,
    stopReason,
    trainImagesPerSecond: state.trainingSeconds > 0 ? state.imagesSeen / state.trainingSeconds : 0,
    wallSeconds: (now() - wallStart) / 1000,
    skippedSteps: state.skippedSteps,
  };
}
