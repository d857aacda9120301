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
import { learningRateAt, type LearningRateScheduleOptions } from './learning-rate.schedule';
import { augmentSample, type AugmentationOptions, type AugmentedSample } from './sample.augmenter';
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
  /** Receives the same progress as figures, whenever a progress line is written (a job's progress events). */
  readonly onProgress?: (report: TrainingProgressReport) => void;
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

/** Where a run stands, as figures: what a progress line says. */
export interface TrainingProgressReport {
  /** 1-based epoch, of `epochs`. */
  readonly epoch: number;
  readonly epochs: number;
  readonly globalStep: number;
  readonly totalSteps: number;
  /** Mean losses since the last report: total, objectness, classification, box (and distillation). */
  readonly losses: Readonly<Record<string, number>>;
  /** DeepPCB-benchmark AP of the last validation, or null before the first. */
  readonly validationAp: number | null;
  readonly etaSeconds: number;
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

/** What a run is fixed to by its input: the crop it trains on, its length, its schedule and its key. */
interface RunPlan {
  readonly crop: { readonly width: number; readonly height: number };
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  readonly schedule: LearningRateScheduleOptions;
  readonly runKey: string;
}

/** Checks the input and derives the run's plan (RangeError for input no run can train on). */
function planRun(input: TrainDetectorInput): RunPlan {
  const { spec, config } = input;
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
  return { crop, stepsPerEpoch, totalSteps, schedule, runKey: runKeyOf(input) };
}

function freshState(runKey: string): TrainingState {
  return {
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
}

/** Where a run starts: the model, its EMA and optimizer, and the training state. */
interface RunStart {
  readonly state: TrainingState;
  readonly model: DetectorModel;
  readonly ema: DetectorWeights | undefined;
  readonly optimizer: AdamOptimizer;
}

/**
 * A resumed run continues from its checkpoint (which must be of the same run: a finished one stays
 * finished); a new one starts from the given weights (fine-tuning) or a fresh initialisation.
 */
async function startOrResume(
  input: TrainDetectorInput,
  plan: RunPlan,
  store: TrainingCheckpointPort,
  log: (line: string) => void,
): Promise<RunStart> {
  const { spec, config } = input;
  const optimizerOptions = { weightDecay: config.weightDecay };
  if (input.resume && (await store.hasCheckpoint())) {
    const checkpoint = await store.loadCheckpoint();
    if (checkpoint.state.runKey !== plan.runKey) {
      throw new TrainingRunMismatchError(
        `${input.runDir} holds a different run (its spec, data or schedule differ); use a new --run-dir or the original options`,
      );
    }
    let state: TrainingState = { ...checkpoint.state, stopReason: null };
    const model = DetectorModel.fromWeights(spec, checkpoint.weights);
    const optimizer = new AdamOptimizer(trainedVariables(model, input.frozenPrefixes), optimizerOptions);
    optimizer.setState(checkpoint.optimizer);
    log(
      `resuming ${input.runDir} at epoch ${state.epoch + 1}, step ${state.stepInEpoch}/${plan.stepsPerEpoch} (best ${state.bestScore?.toFixed(4) ?? '—'})`,
    );
    if (checkpoint.state.stopReason === 'completed' || checkpoint.state.stopReason === 'early-stopping') {
      state = { ...state, stopReason: checkpoint.state.stopReason };
    }
    return { state, model, ema: checkpoint.ema, optimizer };
  }
  const model = DetectorModel.fromWeights(spec, input.start?.weights ?? initialWeights(spec, config.seed));
  const optimizer = new AdamOptimizer(trainedVariables(model, input.frozenPrefixes), optimizerOptions);
  const ema = config.emaDecay > 0 ? model.getWeights() : undefined;
  return { state: freshState(plan.runKey), model, ema, optimizer };
}

/** Running sums of the loss terms over an epoch's finite steps. */
interface LossSums {
  readonly loss: number;
  readonly obj: number;
  readonly cls: number;
  readonly box: number;
  readonly distil: number;
  readonly n: number;
}

const NO_LOSSES: LossSums = { loss: 0, obj: 0, cls: 0, box: 0, distil: 0, n: 0 };

/** The head targets of an augmented batch, one per image. */
function headTargetsOf(augmented: readonly AugmentedSample[], layout: HeadLayout, spec: ArchitectureSpec, config: TrainerConfig) {
  return augmented.map((a) =>
    assignHeadTargets(a.boxes, layout, {
      classCount: spec.classes.length,
      style: spec.head.style,
      ...(config.centreRadius !== undefined ? { centreRadius: config.centreRadius } : {}),
    }),
  );
}

/** One training run, from its start (or checkpoint) to its stop: the steps of trainDetector. */
class DetectorTrainingRun {
  private readonly spec: ArchitectureSpec;
  private readonly config: TrainerConfig;
  private readonly classes: readonly string[];
  private state: TrainingState;
  private readonly model: DetectorModel;
  private readonly ema: DetectorWeights | undefined;
  private readonly optimizer: AdamOptimizer;
  private readonly variables: Map<string, tf.Variable>;
  private readonly distillation: NonNullable<TrainingStepOptions['distillation']> | undefined;
  private readonly layout: HeadLayout;
  private readonly loss: DetectionLoss;
  private readonly tracker: TrainingProgressTracker;
  private readonly progressEvery: number;
  private lastProgress: number;
  private stopReason: StopReason | null;
  private readonly budgetMs: number;
  private sums: LossSums = NO_LOSSES;
  private lastValidation: ValidationMetrics | null = null;
  private lastBreakdown: Readonly<Record<string, number>> | null = null;
  private lastValidatedStep = -1;
  private readonly wallBase: number | null;
  private lastWeights: DetectorWeights | undefined;

  /** Checks the input, then starts a new run or resumes the checkpointed one. */
  static async begin(input: TrainDetectorInput): Promise<DetectorTrainingRun> {
    const now = input.now ?? (() => Date.now());
    const log = input.log ?? (() => undefined);
    const wallStart = now();
    const store = input.checkpoints ?? new TrainingCheckpointStore(input.runDir);
    const plan = planRun(input);
    const start = await startOrResume(input, plan, store, log);
    return new DetectorTrainingRun(input, plan, store, start, now, log, wallStart);
  }

  private constructor(
    private readonly input: TrainDetectorInput,
    private readonly plan: RunPlan,
    private readonly store: TrainingCheckpointPort,
    start: RunStart,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
    private readonly wallStart: number,
  ) {
    this.spec = input.spec;
    this.config = input.config;
    this.classes = input.spec.classes;
    this.state = start.state;
    this.model = start.model;
    this.ema = start.ema;
    this.optimizer = start.optimizer;
    this.variables = trainedVariables(this.model, input.frozenPrefixes);
    this.distillation = input.distillation ? distillationFor(input.distillation, this.spec) : undefined;
    this.layout = new HeadLayout(plan.crop.width, plan.crop.height, this.spec.head.strides);
    this.loss = new DetectionLoss(this.layout, {
      classCount: this.classes.length,
      ...(this.config.lossWeights ? { weights: this.config.lossWeights } : {}),
      ...(this.config.focalGamma !== undefined ? { focalGamma: this.config.focalGamma } : {}),
    });
    this.tracker = new TrainingProgressTracker(now);
    this.progressEvery = (this.config.progressEverySeconds ?? 30) * 1000;
    this.lastProgress = now();
    this.stopReason = (this.state.stopReason as StopReason | null) ?? null;
    this.budgetMs = this.config.maxMinutes !== undefined ? this.config.maxMinutes * 60_000 : Infinity;
    this.wallBase = this.state.wallSeconds;
  }

  /** Trains until the last epoch, early stopping, the time budget or a stop request; frees the tensors. */
  async train(): Promise<void> {
    try {
      for (let epoch = this.state.epoch; epoch < this.config.epochs && this.stopReason === null; epoch++) {
        if (!(await this.trainEpoch(epoch))) break;
      }
      await this.finish();
    } finally {
      this.loss.dispose();
      this.optimizer.dispose();
      this.model.dispose();
      this.distillation?.teacher.dispose();
    }
  }

  /** The weights to ship and the best epoch's metrics, as TrainingResult reports them. */
  async result(): Promise<TrainingResult> {
    const { config, state } = this;
    const best = await this.store.loadBest();
    const bestRecord = best ? best.state.history.find((h) => h.epoch === best.state.bestEpoch) : undefined;
    const metrics: ValidationMetrics | null =
      bestRecord && bestRecord.map50 !== null && bestRecord.deepPcbAp !== null
        ? {
            deepPcbAp: bestRecord.deepPcbAp,
            deepPcbFScore: bestRecord.deepPcbFScore ?? NaN,
            map50: bestRecord.map50,
            map: bestRecord.map ?? NaN,
            imageCount: this.input.validation.length,
          }
        : null;
    return {
      weights: config.ship === 'last' ? (this.lastWeights as DetectorWeights) : (best?.weights ?? (this.lastWeights as DetectorWeights)),
      bestEpoch: best?.state.bestEpoch ?? null,
      metrics,
      state,
      stopReason: this.stopReason as StopReason,
      trainImagesPerSecond: state.trainingSeconds > 0 ? state.imagesSeen / state.trainingSeconds : 0,
      wallSeconds: (this.now() - this.wallStart) / 1000,
      skippedSteps: state.skippedSteps,
    };
  }

  /** The epoch's remaining steps, then its validation and checkpoint; false if a stop came first. */
  private async trainEpoch(epoch: number): Promise<boolean> {
    const order = epochOrder(this.input.train.length, this.config.cropsPerImage, this.config.seed, epoch);
    const epochStarted = this.now();
    if (this.state.stepInEpoch === 0) this.sums = NO_LOSSES;
    for (let step = this.state.stepInEpoch; step < this.plan.stepsPerEpoch; step++) {
      if (this.stopRequested()) return false;
      await this.trainStep(epoch, step, order);
      // A step is synchronous compute; yielding after each lets the process's I/O run between
      // steps (a service's consumers, heartbeats, progress events, a cancel poll; the embedded
      // pipeline beside it) instead of waiting for the whole epoch.
      await yieldToEventLoop();
    }
    await this.finishEpoch(epoch, epochStarted);
    return true;
  }

  /** A stop request (Ctrl-C) or the spent time budget; sets the stop reason. */
  private stopRequested(): boolean {
    if (this.input.shouldStop?.()) {
      this.stopReason = 'interrupted';
      return true;
    }
    if (this.now() - this.wallStart >= this.budgetMs) {
      this.stopReason = 'time-budget';
      return true;
    }
    return false;
  }

  private async trainStep(epoch: number, step: number, order: readonly number[]): Promise<void> {
    const stepStarted = this.now();
    const augmented = this.augmentedBatch(epoch, step, order);
    const lossValues = await this.optimise(augmented, headTargetsOf(augmented, this.layout, this.spec, this.config));
    if (this.ema && lossValues.every(Number.isFinite)) {
      const updates = this.state.emaUpdates + 1;
      const decay = this.config.emaDecay * (1 - Math.exp(-updates / 100));
      emaUpdate(this.ema, this.model.getWeights(), decay);
      this.state = { ...this.state, emaUpdates: updates };
    }
    if (lossValues.every(Number.isFinite)) this.addLosses(lossValues);
    this.tracker.recordStep(this.now() - stepStarted, this.config.batchSize);
    this.state = {
      ...this.state,
      stepInEpoch: step + 1,
      globalStep: this.state.globalStep + 1,
      imagesSeen: this.state.imagesSeen + this.config.batchSize,
      trainingSeconds: this.state.trainingSeconds + (this.now() - stepStarted) / 1000,
    };
    if (this.now() - this.lastProgress >= this.progressEvery) {
      this.lastProgress = this.now();
      this.reportProgress(epoch, step + 1);
    }
  }

  /** The step's images: each augmented (and cropped) with a generator seeded by epoch and position. */
  private augmentedBatch(epoch: number, step: number, order: readonly number[]): AugmentedSample[] {
    const { config, plan } = this;
    const augmented = [];
    for (let k = 0; k < config.batchSize; k++) {
      const position = step * config.batchSize + k;
      const image = this.input.train[order[position % order.length] as number] as LoadedSample;
      const rng = new SeededRandom(hashStringWithSeed(`aug:${epoch}:${position}`, config.seed));
      augmented.push(augmentSample(image, rng, { ...config.augmentation, outputWidth: plan.crop.width, outputHeight: plan.crop.height }));
    }
    return augmented;
  }

  /**
   * One optimisation step on the batch; returns its loss values. A non-finite loss skips the update,
   * and too many skipped steps end the run (it diverged).
   */
  private async optimise(augmented: readonly AugmentedSample[], targets: ReturnType<typeof headTargetsOf>): Promise<number[]> {
    const batch = buildTrainingBatch(augmented, this.spec.template);
    const lr = learningRateAt(this.state.globalStep, this.plan.schedule);
    const x = tf.tensor4d(batch.data, batch.shape);
    const t = batchTargets(targets, this.layout, this.classes.length);
    try {
      const lossValues = await trainingStep(this.model, this.loss, this.optimizer, x, t, lr, {
        variables: this.variables,
        ...(this.distillation ? { distillation: this.distillation } : {}),
      });
      if (!lossValues.every(Number.isFinite)) {
        this.state = { ...this.state, skippedSteps: this.state.skippedSteps + 1 };
        this.log(
          `step ${this.state.globalStep}: non-finite loss ${lossValues.join(', ')}, update skipped (${this.state.skippedSteps} so far)`,
        );
        if (this.state.skippedSteps > 20 && this.state.skippedSteps > this.state.globalStep / 10) {
          throw new Error(`training diverged: ${this.state.skippedSteps} steps with a non-finite loss`);
        }
      }
      return lossValues;
    } finally {
      tf.dispose(x);
      disposeBatchTargets(t);
    }
  }

  private addLosses(lossValues: readonly number[]): void {
    const [total, obj, cls, box, distil = 0] = lossValues as [number, number, number, number, number?];
    const sums = this.sums;
    this.sums = {
      loss: sums.loss + total,
      obj: sums.obj + obj,
      cls: sums.cls + cls,
      box: sums.box + box,
      distil: sums.distil + distil,
      n: sums.n + 1,
    };
  }

  /** Epoch done: validate, keep the best, maybe stop early, checkpoint. */
  private async finishEpoch(epoch: number, epochStarted: number): Promise<void> {
    const { config } = this;
    await this.recordValidation(epoch, (this.now() - epochStarted) / 1000);
    this.state = { ...this.state, epoch: epoch + 1, stepInEpoch: 0 };
    this.reportProgress(epoch, this.plan.stepsPerEpoch);
    if (config.patience > 0 && this.state.epochsWithoutImprovement >= config.patience && epoch + 1 < config.epochs) {
      this.stopReason = 'early-stopping';
      this.log(`early stopping: no better validation score for ${config.patience} epochs`);
    }
    this.state = { ...this.state, stopReason: this.stopReason };
    await this.saveCheckpoint();
  }

  /** The run's last checkpoint, after validating the steps of an epoch a stop cut short. */
  private async finish(): Promise<void> {
    if (this.stopReason === null) this.stopReason = 'completed';
    const stopReason = this.stopReason;
    const { state } = this;
    if (
      (stopReason === 'time-budget' || stopReason === 'interrupted') &&
      state.globalStep !== this.lastValidatedStep &&
      state.stepInEpoch > 0
    ) {
      // Stopped mid-epoch: validate what we have, so the best checkpoint reflects the last steps too.
      await this.recordValidation(state.epoch, 0);
      this.log(
        `stopped (${stopReason}) at epoch ${this.state.epoch + 1} step ${this.state.stepInEpoch}: ${this.progressLine(this.state.epoch, this.state.stepInEpoch)}`,
      );
    }
    this.state = { ...this.state, stopReason };
    await this.saveCheckpoint();
    this.lastWeights = this.shippedWeights();
  }

  private shippedWeights(): DetectorWeights {
    return this.ema ?? this.model.getWeights();
  }

  /** The shipped weights' validation metrics (null without validation images). */
  private async validate(): Promise<ValidationMetrics | null> {
    const { config, input, spec, classes } = this;
    if (input.validation.length === 0) return null;
    const options = {
      classes,
      scoreThreshold: config.validationScoreThreshold ?? 0.05,
      batchSize: config.validationBatchSize ?? 8,
    };
    let predictions: EvaluationImage[];
    if ((config.validationRuntime ?? 'onnxruntime') === 'onnxruntime') {
      predictions = await predictLoadedSamplesOnnx(spec, this.shippedWeights(), input.validation, options);
    } else {
      const evalModel = DetectorModel.fromWeights(spec, this.shippedWeights());
      try {
        predictions = predictLoadedSamples(evalModel, input.validation, options);
      } finally {
        evalModel.dispose();
      }
    }
    this.lastBreakdown = input.validationBreakdown ? input.validationBreakdown(predictions) : null;
    return metricsOf(predictions, classes);
  }

  /** Validates, adds the epoch to the history, and saves the best weights when the score improved. */
  private async recordValidation(epoch: number, epochSeconds: number): Promise<void> {
    const started = this.now();
    const metrics = await this.validate();
    this.tracker.recordValidation(this.now() - started);
    this.lastValidation = metrics;
    this.lastValidatedStep = this.state.globalStep;
    const record = this.epochRecord(epoch, metrics, epochSeconds);
    const score = metrics ? selectionScore(metrics, this.config.selectionMetric) : null;
    const improved = score !== null && (this.state.bestScore === null || score > this.state.bestScore);
    this.state = {
      ...this.state,
      history: [...this.state.history.filter((h) => h.epoch !== epoch), record],
      ...(improved
        ? { bestScore: score, bestEpoch: epoch, epochsWithoutImprovement: 0 }
        : { epochsWithoutImprovement: this.state.epochsWithoutImprovement + 1 }),
    };
    if (improved || metrics === null) await this.store.saveBest(this.shippedWeights(), this.state);
  }

  private epochRecord(epoch: number, metrics: ValidationMetrics | null, epochSeconds: number): EpochRecord {
    const { sums } = this;
    return {
      epoch,
      loss: sums.n > 0 ? sums.loss / sums.n : NaN,
      objectnessLoss: sums.n > 0 ? sums.obj / sums.n : NaN,
      classificationLoss: sums.n > 0 ? sums.cls / sums.n : NaN,
      boxLoss: sums.n > 0 ? sums.box / sums.n : NaN,
      learningRate: learningRateAt(Math.min(this.state.globalStep, this.plan.totalSteps - 1), this.plan.schedule),
      deepPcbAp: metrics?.deepPcbAp ?? null,
      deepPcbFScore: metrics?.deepPcbFScore ?? null,
      map50: metrics?.map50 ?? null,
      map: metrics?.map ?? null,
      trainImagesPerSecond: this.tracker.imagesPerSecond(),
      seconds: epochSeconds,
    };
  }

  private async saveCheckpoint(): Promise<void> {
    const { wallBase } = this;
    this.state = { ...this.state, wallSeconds: wallBase === null ? null : wallBase + (this.now() - this.wallStart) / 1000 };
    await this.store.saveCheckpoint({
      state: this.state,
      weights: this.model.getWeights(),
      ...(this.ema ? { ema: this.ema } : {}),
      optimizer: this.optimizer.getState(),
    });
  }

  /** Writes the progress line, and hands the same figures to `onProgress`. */
  private reportProgress(epoch: number, step: number): void {
    this.log(this.progressLine(epoch, step));
    const onProgress = this.input.onProgress;
    if (!onProgress) return;
    const { config, state, sums, plan, tracker } = this;
    const avg = (v: number) => (sums.n > 0 ? v / sums.n : NaN);
    const losses: Record<string, number> = {
      total: avg(sums.loss),
      objectness: avg(sums.obj),
      classification: avg(sums.cls),
      box: avg(sums.box),
    };
    if (this.distillation) losses['distillation'] = avg(sums.distil);
    onProgress({
      epoch: epoch + 1,
      epochs: config.epochs,
      globalStep: state.globalStep,
      totalSteps: plan.totalSteps,
      losses: Object.fromEntries(Object.entries(losses).filter(([, v]) => Number.isFinite(v))),
      validationAp: this.lastValidation ? this.lastValidation.deepPcbAp : null,
      etaSeconds: tracker.etaMs(plan.totalSteps - state.globalStep, config.epochs - epoch) / 1000,
    });
  }

  /** The progress line: losses, learning rate, last validation, speed, elapsed time and ETA. */
  private progressLine(epoch: number, step: number): string {
    const { config, state, sums, plan, tracker, now } = this;
    const avg = (v: number) => (sums.n > 0 ? v / sums.n : NaN);
    const lr = learningRateAt(Math.min(state.globalStep, plan.totalSteps - 1), plan.schedule);
    const remainingSteps = plan.totalSteps - state.globalStep;
    const remainingEpochs = config.epochs - epoch;
    const eta = tracker.etaMs(remainingSteps, remainingEpochs);
    const budgetLeft = this.budgetMs - (now() - this.wallStart);
    const v = this.lastValidation;
    const best = state.bestScore !== null ? ` best ${state.bestScore.toFixed(4)}@${(state.bestEpoch ?? 0) + 1}` : '';
    const breakdown = this.lastBreakdown
      ? Object.entries(this.lastBreakdown)
          .map(([name, value]) => ` ${name} ${value.toFixed(4)}`)
          .join('')
      : '';
    return (
      `epoch ${epoch + 1}/${config.epochs} step ${step}/${plan.stepsPerEpoch} ` +
      `loss ${avg(sums.loss).toFixed(4)} (obj ${avg(sums.obj).toFixed(4)} cls ${avg(sums.cls).toFixed(4)} box ${avg(sums.box).toFixed(4)}` +
      `${this.distillation ? ` distil ${avg(sums.distil).toFixed(4)}` : ''}) ` +
      `lr ${lr.toExponential(2)} | val AP ${v ? `${v.deepPcbAp.toFixed(4)} (deeppcb) mAP50 ${v.map50.toFixed(4)}` : '—'}${best}` +
      `${breakdown} | ` +
      `${tracker.imagesPerSecond().toFixed(1)} img/s | elapsed ${formatDuration(now() - this.wallStart)} ETA ${formatDuration(eta)}` +
      (Number.isFinite(budgetLeft) && eta > budgetLeft ? ` (time budget ends in ${formatDuration(Math.max(0, budgetLeft))})` : '')
    );
  }
}

/**
 * Trains a detector: seeded crops with augmentation, anchor-free targets, the detection loss,
 * AdamW with warm-up and cosine decay, an EMA of the weights, validation every epoch, the best
 * checkpoint kept, early stopping, a wall-time budget, and a checkpoint every epoch (and on stop)
 * from which `resume` continues exactly. Runs on the active TF.js backend (selectTfBackend).
 */
export async function trainDetector(input: TrainDetectorInput): Promise<TrainingResult> {
  const run = await DetectorTrainingRun.begin(input);
  await run.train();
  return run.result();
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
