import * as path from 'node:path';
import type { ModelMetadata } from '../artifact/model-package.metadata';
import type { ModelPackage } from '../artifact/model-package.store';
import type { ArchitectureSpec } from '../core/architecture-spec';
import type { DetectorWeights } from '../core/detector-weights';
import type { ObjectBytesReader } from '../data/image-ref.reader';
import type { LabelledSample } from '../data/sample';
import { fingerprintModel, type FineTuneData } from '../continual/fine-tune';
import { fingerprintTrainingData } from '../train/dataset.fingerprint';
import {
  DEFAULT_TRAINER_CONFIG,
  trainDetector,
  type TrainerConfig,
  type TrainingProgressReport,
  type TrainingResult,
} from '../train/detector.trainer';
import { loadTrainingImages, type LoadedSample } from '../train/training-image.loader';
import { retargetClasses, scratchStart, transplantInput, type FrameInput } from './few-shot.transplant';

export const ADAPT_STARTS = ['scratch', 'finetune', 'meta'] as const;
export type AdaptStart = (typeof ADAPT_STARTS)[number];

/** What a frozen-backbone fine-tune leaves untrained: the backbone alone, or the neck too. */
export const FINE_TUNE_FREEZES = ['backbone', 'backbone+neck'] as const;
export type FineTuneFreeze = (typeof FINE_TUNE_FREEZES)[number];

/** An adaptation that cannot start: the message says what is wrong and what to do. */
export class FewShotInputError extends Error {
  readonly code = 'FEW_SHOT_INPUT';
}

/** The default wall-clock budget of an adaptation, in seconds. */
export const DEFAULT_ADAPT_BUDGET_SECONDS = 120;

/**
 * The adaptation recipe (over DEFAULT_TRAINER_CONFIG): small batches of several augmented crops of
 * each of the K frames, a fine-tune's peak learning rate with a short warm-up, an EMA of the
 * weights, no early stopping and no validation during training (the K shots leave nothing to
 * select on, and the evaluation frames must not choose the weights): the last EMA weights ship.
 * `epochs` is not fixed here: adaptFewShot sizes it to the budget (see calibrateEpochs) unless the
 * caller sets it.
 */
export const DEFAULT_FEW_SHOT_TRAINING = {
  batchSize: 8,
  cropsPerImage: 8,
  learningRate: 0.002,
  warmupEpochs: 1,
  emaDecay: 0.99,
  patience: 0,
  ship: 'last',
} as const satisfies Partial<TrainerConfig>;

export interface FewShotAdaptInput {
  readonly start: AdaptStart;
  /** The package to start from: the nearest production model (finetune) or a meta-init package (meta); none for scratch. */
  readonly from?: ModelPackage;
  /** The architecture a scratch start trains when no `from` is given (e.g. defaultSpec(feed)). */
  readonly spec?: ArchitectureSpec;
  /** The new line's frames: grey or RGB, and the template mode (default: the start's, `from` or `spec`). */
  readonly input?: FrameInput;
  /** The K shots are `data.train`; `data.validation` is what the result is evaluated on. Classes are the new line's. */
  readonly data: FineTuneData;
  /** Wall-clock budget of the adaptation (default 120 s): training stops when it is spent. */
  readonly budgetSeconds?: number;
  /** finetune: what stays frozen (default the backbone). */
  readonly freeze?: FineTuneFreeze;
  readonly seed: number;
  readonly runDir: string;
  readonly command: string;
  readonly log?: (line: string) => void;
  readonly onProgress?: (r: TrainingProgressReport) => void;
  readonly shouldStop?: () => boolean;
  readonly objects?: ObjectBytesReader;
  /** Overrides of the adaptation recipe (DEFAULT_FEW_SHOT_TRAINING). */
  readonly config?: Partial<TrainerConfig>;
  readonly now?: () => number;
}

export type FewShotRecord = Extract<NonNullable<ModelMetadata['fewShot']>, { kind: 'adaptation' }>;

export interface FewShotAdaptResult {
  readonly spec: ArchitectureSpec;
  readonly weights: DetectorWeights;
  readonly training: TrainingResult;
  /** The evaluation frames (`data.validation`), decoded at the model's input. */
  readonly validation: readonly LoadedSample[];
  /** The model package's few-shot record: start, from, class sources, transplant, shots, seed, budget, seconds. */
  readonly lineage: FewShotRecord;
  /** Wall seconds of the adaptation (decoding and training; evaluation and packaging not counted). */
  readonly seconds: number;
  readonly warnings: readonly string[];
}

/** The starting point, before training: spec, weights, what is frozen and how classes were mapped. */
export interface AdaptationStart {
  readonly spec: ArchitectureSpec;
  readonly weights: DetectorWeights;
  readonly frozenPrefixes: readonly string[];
  readonly classSources: readonly (string | null)[];
  readonly transplant: readonly string[];
}

/** The class slots of a meta-learned initialisation, in order (see meta.trainer). */
export function metaInitSlots(pkg: ModelPackage): readonly string[] {
  const record = pkg.metadata.fewShot;
  return record?.kind === 'meta-init' ? record.slots : pkg.metadata.spec.classes;
}

/**
 * Builds the starting point of an adaptation (no training):
 * - scratch: `from`'s architecture (or `spec`), the new input and classes, fresh weights, all trained;
 * - finetune: `from` moved to the new input (transplantInput), class outputs re-targeted by name (a
 *   class the model knows keeps its channel, others get fresh ones), the backbone frozen — all
 *   stages but the stem when the stem had to be converted — and the neck too with `backbone+neck`;
 * - meta: a meta-init package moved to the new input if it differs, the new classes taking its
 *   class slots in order (classes beyond the slots get fresh channels), everything trained, as in
 *   the meta-training's inner loop.
 */
export function adaptationStart(input: FewShotAdaptInput): AdaptationStart {
  const { start, from, data, seed } = input;
  const classes = data.classes;
  if (start === 'scratch') {
    const base = from?.metadata.spec ?? input.spec;
    if (!base) throw new FewShotInputError('a scratch start needs an architecture: give a spec or a package whose architecture to use');
    const frame = input.input ?? { channels: base.input.channels, template: base.template };
    const fresh = scratchStart(base, frame, classes, seed);
    return { ...fresh, frozenPrefixes: [], classSources: classes.map(() => null), transplant: [] };
  }
  if (!from) throw new FewShotInputError(`start ${start} needs a package to start from (--from)`);
  const parentSpec = from.metadata.spec;
  const frame = input.input ?? { channels: parentSpec.input.channels, template: parentSpec.template };
  const moved = transplantInput(parentSpec, from.weights, frame);
  let classSources: (string | null)[];
  if (start === 'finetune') {
    classSources = classes.map((name) => (parentSpec.classes.includes(name) ? name : null));
  } else {
    const slots = metaInitSlots(from);
    classSources = classes.map((_, i) => slots[i] ?? null);
  }
  const retargeted = retargetClasses(moved.spec, moved.weights, classes, classSources, seed);
  let frozenPrefixes: string[] = [];
  if (start === 'finetune') {
    const stages = parentSpec.backbone.stages.map((_, i) => `backbone.stages.${i}.`);
    frozenPrefixes = moved.stemConverted ? stages.slice(1) : ['backbone.'];
    if ((input.freeze ?? 'backbone') === 'backbone+neck' && parentSpec.neck.type !== 'none') frozenPrefixes.push('neck.');
  }
  return { spec: retargeted.spec, weights: retargeted.weights, frozenPrefixes, classSources, transplant: moved.notes };
}

/**
 * Epochs that fit the remaining budget at the measured speed, at least 1: the learning-rate
 * schedule then ends near the budget instead of being cut mid-way at a high rate.
 */
export function calibrateEpochs(remainingSeconds: number, imagesPerSecond: number, imagesPerEpoch: number): number {
  if (!(imagesPerSecond > 0) || !(imagesPerEpoch > 0)) return 1;
  return Math.max(1, Math.floor((remainingSeconds * imagesPerSecond) / imagesPerEpoch));
}

/**
 * Adapts a detector to a new line from K labelled frames within a wall-clock budget, from one of
 * three starting points (see adaptationStart). The recipe is DEFAULT_FEW_SHOT_TRAINING with the
 * caller's overrides; unless the caller fixes `epochs`, a two-step probe run measures the
 * training speed and the epochs are sized to what is left of the budget. Training stops when the
 * budget is spent either way, and the last (EMA) weights ship.
 */
export async function adaptFewShot(input: FewShotAdaptInput): Promise<FewShotAdaptResult> {
  const now = input.now ?? Date.now;
  const started = now();
  const log = input.log ?? (() => undefined);
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    log(`warning: ${line}`);
  };
  const { data } = input;
  const budgetSeconds = input.budgetSeconds ?? DEFAULT_ADAPT_BUDGET_SECONDS;
  if (!(budgetSeconds > 0)) throw new FewShotInputError(`the budget must be a positive number of seconds, got ${budgetSeconds}`);
  if (!(ADAPT_STARTS as readonly string[]).includes(input.start))
    throw new FewShotInputError(`unknown start "${input.start}" (use one of ${ADAPT_STARTS.join(', ')})`);
  if (data.classes.length === 0) throw new FewShotInputError(`the data (${data.source}) names no class`);
  if (!data.train.some((s) => s.boxes.length > 0))
    throw new FewShotInputError(`the shots (${data.source}) have no labelled box to learn from`);
  if (input.start === 'meta' && input.from && input.from.metadata.fewShot?.kind !== 'meta-init') {
    warn(`${input.from.metadata.name}@${input.from.metadata.version} is not a meta-learned initialisation: its classes are used as slots`);
  }

  const begin = adaptationStart(input);
  for (const note of begin.transplant) warn(`transplant: ${note}`);
  const { spec } = begin;
  const mapped = data.classes.map((name, i) => `${name} ← ${begin.classSources[i] ?? 'fresh'}`).join(', ');
  log(
    `start ${input.start}${input.from ? ` from ${input.from.metadata.name}@${input.from.metadata.version}` : ''}: classes ${mapped}` +
      `${begin.frozenPrefixes.length > 0 ? `; frozen ${begin.frozenPrefixes.join(' ')}` : ''}`,
  );

  const imageOptions = {
    width: spec.input.width,
    height: spec.input.height,
    channels: spec.input.channels,
    templateMode: spec.template,
    classes: spec.classes,
    ...(input.objects ? { objects: input.objects } : {}),
  };
  const [shots, validation] = await Promise.all([
    loadTrainingImages(data.train, imageOptions),
    loadTrainingImages(data.validation, imageOptions),
  ]);
  for (const s of [...shots.skipped, ...validation.skipped]) warn(`skipped ${s.id}: ${s.reason}`);
  if (shots.images.length === 0) throw new FewShotInputError('no shot could be decoded');
  log(
    `decoded ${shots.images.length} shot(s) and ${validation.images.length} evaluation frame(s) in ${((now() - started) / 1000).toFixed(1)} s`,
  );

  const recipe: TrainerConfig = {
    ...DEFAULT_TRAINER_CONFIG,
    ...DEFAULT_FEW_SHOT_TRAINING,
    seed: input.seed,
    ...input.config,
  };
  const dataFingerprint = fingerprintTrainingData({ train: data.train });
  const startFingerprint = fingerprintModel(spec, begin.weights);
  const common = {
    spec,
    train: shots.images,
    validation: [] as LoadedSample[],
    dataFingerprint,
    start: { weights: begin.weights, fingerprint: startFingerprint },
    frozenPrefixes: begin.frozenPrefixes,
    ...(input.shouldStop ? { shouldStop: input.shouldStop } : {}),
  };
  const spent = () => (now() - started) / 1000;
  let epochs = input.config?.epochs;
  if (epochs === undefined) {
    // Two one-step epochs: the first pays for the backend's warm-up (kernel compilation), the
    // second is timed, so the epochs are sized at the speed the real run will have.
    const probeCrops = Math.ceil(recipe.batchSize / shots.images.length);
    const probe = await trainDetector({
      ...common,
      runDir: path.join(input.runDir, 'probe'),
      config: {
        ...recipe,
        epochs: 2,
        cropsPerImage: probeCrops,
        maxMinutes: Math.max(0, budgetSeconds - spent()) / 60,
        progressEverySeconds: 3600,
      },
    });
    const timed = probe.state.history.find((h) => h.epoch === 1);
    const probeStepImages = Math.max(1, Math.floor((shots.images.length * probeCrops) / recipe.batchSize)) * recipe.batchSize;
    const speed = timed && timed.seconds > 0 ? probeStepImages / timed.seconds : probe.trainImagesPerSecond;
    const imagesPerEpoch = Math.max(
      recipe.batchSize,
      Math.floor((shots.images.length * recipe.cropsPerImage) / recipe.batchSize) * recipe.batchSize,
    );
    epochs = calibrateEpochs(budgetSeconds - spent(), speed, imagesPerEpoch);
    log(
      `probe: ${speed.toFixed(1)} training images/s after warm-up; ${epochs} epoch(s) of ${imagesPerEpoch} crops fit the ${Math.max(0, budgetSeconds - spent()).toFixed(0)} s left`,
    );
  }
  const config: TrainerConfig = { ...recipe, epochs, maxMinutes: Math.max(0.001, budgetSeconds - spent()) / 60 };
  const training = await trainDetector({
    ...common,
    runDir: input.runDir,
    config,
    log,
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.now ? { now: input.now } : {}),
  });
  const seconds = spent();
  log(
    `adaptation stopped (${training.stopReason}) after ${training.state.globalStep} step(s) in ${seconds.toFixed(1)} s of a ${budgetSeconds} s budget; the last (EMA) weights ship`,
  );

  const from = input.from;
  const lineage: FewShotRecord = {
    kind: 'adaptation',
    start: input.start,
    from: from
      ? {
          name: from.metadata.name,
          version: from.metadata.version,
          fingerprint: fingerprintModel(from.metadata.spec, from.weights),
          classes: [...from.metadata.spec.classes],
        }
      : null,
    classSources: [...begin.classSources],
    transplant: [...begin.transplant],
    frozenPrefixes: [...begin.frozenPrefixes],
    shots: shots.images.length,
    data: {
      source: data.source,
      fingerprint: fingerprintTrainingData({ train: data.train, validation: data.validation }),
      split: data.split,
      shotIds: data.train.map((s: LabelledSample) => s.id),
    },
    seed: input.seed,
    budgetSeconds,
    seconds,
    stopReason: training.stopReason,
    shipped: 'last',
    hyperparameters: JSON.parse(JSON.stringify({ ...config, freeze: input.freeze ?? 'backbone' })) as Record<string, unknown>,
    command: input.command,
  };
  return { spec, weights: training.weights, training, validation: validation.images, lineage, seconds, warnings };
}
