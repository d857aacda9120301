import { createHash } from 'node:crypto';
import type { ModelPackage } from '../artifact/model-package.store';
import type { ModelMetadata } from '../artifact/model-package.metadata';
import type { ArchitectureSpec } from '../core/architecture-spec';
import type { DetectorWeights } from '../core/detector-weights';
import type { ObjectBytesReader } from '../data/image-ref.reader';
import type { LabelledSample } from '../data/sample';
import { evaluateDeepPcbBenchmark } from '../eval/deeppcb-benchmark';
import type { EvaluationImage } from '../eval/evaluation-image';
import { fingerprintTrainingData } from '../train/dataset.fingerprint';
import { trainDetector, type TrainerConfig, type TrainingProgressReport, type TrainingResult } from '../train/detector.trainer';
import type { TrainingCheckpointPort } from '../train/training-checkpoint.store';
import { loadTrainingImages, type LoadedSample } from '../train/training-image.loader';
import { DEFAULT_SELECTION_THRESHOLD } from './distillation.loss';
import { mixReplay, selectExemplars, type ExemplarSelection } from './exemplar.selector';
import { growHead } from './head-growth';

export const FINE_TUNE_METHODS = ['naive', 'replay', 'replay-distill', 'joint'] as const;
export type FineTuneMethod = (typeof FINE_TUNE_METHODS)[number];

/** Input a fine-tune cannot start from: the message says what is wrong and what to do. */
export class FineTuneInputError extends Error {
  readonly code = 'FINE_TUNE_INPUT';
}

/** A labelled data set, split: the new data, or the parent's training data for rehearsal. */
export interface FineTuneData {
  /** How it was given (`deeppcb:PATH …`), for the lineage. */
  readonly source: string;
  readonly classes: readonly string[];
  readonly train: readonly LabelledSample[];
  readonly validation: readonly LabelledSample[];
  readonly split: string;
  /** The loader options (split seed and share, groups, synthetic counts), so `argus eval` can rebuild the split. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface FineTuneSettings {
  readonly method: FineTuneMethod;
  /** Rehearsal frames taken from the parent's training data (replay methods). */
  readonly exemplarBudget: number;
  /** The exemplars' share of each epoch's images (replay methods). */
  readonly replayShare: number;
  /** The distillation loss's weight (replay-distill). */
  readonly distillationWeight: number;
  readonly selectionThreshold: number;
  /** Weights not trained (name prefixes), e.g. the first backbone stage. */
  readonly frozenPrefixes: readonly string[];
  /** The mixed validation set takes at most this many of the parent's validation frames. */
  readonly oldValidationLimit: number;
  /**
   * `parent` (default): old frames keep only the parent's classes' boxes — the labels the line has.
   * `as-given`: they keep every box the replay data gives, classes added since included — an
   * oracle for benchmarks, where the old frames happen to be labelled for the new class too.
   */
  readonly oldLabels?: 'parent' | 'as-given';
}

export const DEFAULT_FINE_TUNE_SETTINGS: FineTuneSettings = {
  method: 'replay-distill',
  exemplarBudget: 100,
  replayShare: 0.5,
  distillationWeight: 1,
  selectionThreshold: DEFAULT_SELECTION_THRESHOLD,
  frozenPrefixes: ['backbone.stages.0.'],
  oldValidationLimit: 100,
};

export interface FineTuneInput {
  readonly parent: ModelPackage;
  readonly newData: FineTuneData;
  /** The parent's training data (its recorded source, split the same way); required by every method but naive. */
  readonly replayData?: FineTuneData;
  readonly settings: FineTuneSettings;
  readonly config: TrainerConfig;
  readonly runDir: string;
  readonly resume?: boolean;
  /** The exact command (recorded in the lineage). */
  readonly command: string;
  readonly log?: (line: string) => void;
  readonly shouldStop?: () => boolean;
  /** Progress as figures (see TrainDetectorInput.onProgress). */
  readonly onProgress?: (report: TrainingProgressReport) => void;
  /** Where checkpoints go (default: the run folder); a service wraps it to copy each one away. */
  readonly checkpoints?: TrainingCheckpointPort;
  /** Reads images given by object-store key (frames a service stored); files and bytes need none. */
  readonly objects?: ObjectBytesReader;
}

export interface FineTuneResult {
  readonly spec: ArchitectureSpec;
  readonly weights: DetectorWeights;
  readonly training: TrainingResult;
  readonly addedClasses: readonly string[];
  readonly exemplars: ExemplarSelection | null;
  /** The mixed validation images (new validation, then the parent's), loaded. */
  readonly validation: readonly LoadedSample[];
  readonly lineage: NonNullable<ModelMetadata['lineage']>;
  readonly warnings: readonly string[];
}

/** sha256 over a model's spec and weights (names sorted): what a fine-tune's lineage names its parent by. */
export function fingerprintModel(spec: ArchitectureSpec, weights: DetectorWeights): string {
  const hash = createHash('sha256').update(JSON.stringify(spec));
  for (const name of Object.keys(weights).sort()) {
    const w = weights[name];
    if (!w) continue;
    hash.update(`${name}:${w.shape.join('x')}\n`);
    hash.update(new Uint8Array(w.values.buffer, w.values.byteOffset, w.values.byteLength));
  }
  return `sha256:${hash.digest('hex')}`;
}

const normalised = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Refuses data whose class names collide with the parent's under another spelling ("Pin_hole"
 * beside the model's "pin-hole"): the same defect under two names would be learnt as two classes,
 * and the old one forgotten. Classes are matched by exact name; a genuinely new class has a name
 * of its own.
 */
export function checkClassConflicts(parentClasses: readonly string[], dataClasses: readonly string[]): void {
  for (const name of dataClasses) {
    if (parentClasses.includes(name)) continue;
    const twin = parentClasses.find((p) => normalised(p) === normalised(name));
    if (twin !== undefined) {
      throw new FineTuneInputError(
        `the data's class "${name}" looks like the model's "${twin}" spelt another way: rename it to "${twin}" if it is the same defect, or give it a distinct name if it is not`,
      );
    }
  }
}

/** The samples with only the boxes of `classes`: what the parent's own labels said. */
function restrictToClasses(samples: readonly LabelledSample[], classes: readonly string[]): LabelledSample[] {
  return samples.map((s) => ({ ...s, boxes: s.boxes.filter((b) => classes.includes(b.className)) }));
}

/** DeepPCB AP over only the given classes (ground truth and detections of other classes left out). */
export function deepPcbApOver(images: readonly EvaluationImage[], classes: readonly string[]): number {
  const only = images.map((i) => ({
    id: i.id,
    groundTruth: i.groundTruth.filter((b) => classes.includes(b.className)),
    detections: i.detections.filter((d) => classes.includes(d.className)),
  }));
  return evaluateDeepPcbBenchmark(only).ap;
}

/**
 * Fine-tunes a model package on new data without forgetting what it knew:
 * - classes the new data names and the parent lacks get head channels (growHead: the parent's
 *   outputs are unchanged before the first step);
 * - `replay` and `replay-distill` mix a class-balanced exemplar set of the parent's training
 *   frames (references, chosen by selectExemplars; labelled only with the parent's classes, as
 *   the parent saw them) into every epoch at `replayShare`;
 * - `replay-distill` adds the parent's outputs as soft targets (DistillationLoss);
 * - `joint` trains on all of the parent's training data plus the new data (the upper bound);
 * - `naive` trains on the new data alone (the baseline that forgets).
 * Validation is the mixed set: the new data's validation frames and up to `oldValidationLimit`
 * of the parent's, the latter scored only on the parent's classes; the progress line shows AP on
 * old and on new classes.
 */
export async function fineTuneDetector(input: FineTuneInput): Promise<FineTuneResult> {
  const { parent, newData, settings, config } = input;
  const log = input.log ?? (() => undefined);
  const parentSpec = parent.metadata.spec;
  const parentClasses = parentSpec.classes;
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    log(`warning: ${line}`);
  };

  if (newData.train.length === 0) throw new FineTuneInputError(`the new data (${newData.source}) has no training samples`);
  if (!newData.train.some((s) => s.boxes.length > 0))
    throw new FineTuneInputError(`the new data (${newData.source}) has no labelled box to learn from`);
  checkClassConflicts(parentClasses, newData.classes);
  const used = new Set(newData.train.flatMap((s) => s.boxes.map((b) => b.className)));
  const addedClasses = newData.classes.filter((name) => used.has(name) && !parentClasses.includes(name));
  const replay = input.replayData;
  if (settings.method !== 'naive' && !replay) {
    throw new FineTuneInputError(`method ${settings.method} needs the parent's training data (--replay), and none was given or recorded`);
  }

  const grown = growHead(parentSpec, parent.weights, addedClasses, config.seed);
  const spec = grown.spec;
  const parentFingerprint = fingerprintModel(parentSpec, parent.weights);
  if (addedClasses.length > 0) log(`head grown: ${addedClasses.join(', ')} added after ${parentClasses.join(', ')}`);

  let replayFingerprint: string | null = null;
  let matchesParent = false;
  if (replay) {
    replayFingerprint = fingerprintTrainingData({ train: replay.train, validation: replay.validation });
    const recorded = parent.metadata.training?.data.fingerprint;
    matchesParent = recorded === replayFingerprint;
    if (!matchesParent) {
      warn(
        `the replay data (${replay.source}) is not the data the parent recorded (${recorded ?? 'none recorded'} ≠ ${replayFingerprint}): ` +
          'exemplars may be frames the parent never trained on, and old-class figures are measured on a split it may have trained on',
      );
    }
  }
  // A frame of the new data is there with its new labels; its old copy (labelled only with the
  // parent's classes) would contradict them, so old copies of new frames are left out.
  const newIds = new Set([...newData.train, ...newData.validation].map((s) => s.id));
  const notNew = (samples: readonly LabelledSample[]) => samples.filter((s) => !newIds.has(s.id));
  const oldTrain = replay
    ? settings.oldLabels === 'as-given'
      ? notNew(replay.train)
      : restrictToClasses(notNew(replay.train), parentClasses)
    : [];
  if (replay && settings.oldLabels === 'as-given')
    log('old frames keep every label the replay data gives (an oracle: the line would not have labels for new classes there)');
  const exemplars =
    settings.method === 'replay' || settings.method === 'replay-distill'
      ? selectExemplars(oldTrain, parentClasses, settings.exemplarBudget, config.seed)
      : null;
  if (exemplars) {
    const counts = Object.entries(exemplars.boxesPerClass)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    log(`exemplars: ${exemplars.ids.length} of the parent's ${oldTrain.length} training frames (${exemplars.rule}; boxes ${counts})`);
  }

  const imageOptions = {
    width: spec.input.width,
    height: spec.input.height,
    channels: spec.input.channels,
    templateMode: spec.template,
    classes: spec.classes,
    ...(input.objects ? { objects: input.objects } : {}),
  };
  const oldValidationSamples = replay
    ? restrictToClasses(notNew(replay.validation), parentClasses).slice(0, settings.oldValidationLimit)
    : [];
  const byId = new Map(oldTrain.map((s) => [s.id, s]));
  const oldTrainingSamples =
    settings.method === 'joint' ? oldTrain : exemplars ? exemplars.ids.map((id) => byId.get(id) as LabelledSample) : [];
  const started = Date.now();
  const [freshTrain, freshValidation, oldTraining, oldValidation] = await Promise.all([
    loadTrainingImages(newData.train, imageOptions),
    loadTrainingImages(newData.validation, imageOptions),
    loadTrainingImages(oldTrainingSamples, imageOptions),
    loadTrainingImages(oldValidationSamples, imageOptions),
  ]);
  const skipped = [freshTrain, freshValidation, oldTraining, oldValidation].reduce((n, r) => n + r.skipped.length, 0);
  log(
    `decoded ${freshTrain.images.length} new training, ${freshValidation.images.length} new validation, ${oldTraining.images.length} old training and ` +
      `${oldValidation.images.length} old validation frames in ${((Date.now() - started) / 1000).toFixed(1)} s${skipped > 0 ? `; ${skipped} bad image(s) skipped` : ''}`,
  );
  if (freshTrain.images.length === 0) throw new FineTuneInputError('no new training image could be decoded');

  const mix =
    settings.method === 'replay' || settings.method === 'replay-distill'
      ? mixReplay(freshTrain.images, oldTraining.images, settings.replayShare)
      : {
          samples: [...freshTrain.images, ...oldTraining.images],
          freshRepeats: 1,
          replayRepeats: oldTraining.images.length > 0 ? 1 : 0,
          replayShare: 0,
        };
  log(
    `method ${settings.method}: ${mix.samples.length} training images an epoch (new ×${mix.freshRepeats}, old ×${mix.replayRepeats}` +
      `${settings.method === 'replay' || settings.method === 'replay-distill' ? `, old share ${mix.replayShare.toFixed(2)}` : ''})`,
  );

  const oldValidationImages = oldValidation.images.map((image) => ({ ...image, labelledClasses: parentClasses }));
  const validation = [...freshValidation.images, ...oldValidationImages];
  // old: the parent's classes on every validation frame (new frames are labelled for them too);
  // new: the added classes on the new frames, or every class there for a new product variant.
  const newValidationIds = new Set(freshValidation.images.map((i) => i.id));
  const oldIds = new Set(oldValidationImages.map((i) => i.id));
  const newClasses = addedClasses.length > 0 ? addedClasses : spec.classes;
  const breakdown = (predictions: readonly EvaluationImage[]) => ({
    ...(oldIds.size > 0 || addedClasses.length > 0 ? { old: deepPcbApOver(predictions, parentClasses) } : {}),
    ...(newValidationIds.size > 0
      ? {
          new: deepPcbApOver(
            predictions.filter((p) => newValidationIds.has(p.id)),
            newClasses,
          ),
        }
      : {}),
  });

  const distil = settings.method === 'replay-distill';
  const training = await trainDetector({
    spec,
    train: mix.samples,
    validation,
    runDir: input.runDir,
    config,
    ...(input.resume ? { resume: true } : {}),
    dataFingerprint: fingerprintTrainingData({ new: newData.train, newValidation: newData.validation, old: oldTrainingSamples }),
    start: { weights: grown.weights, fingerprint: parentFingerprint },
    frozenPrefixes: settings.frozenPrefixes,
    ...(distil
      ? {
          distillation: {
            teacher: { spec: parentSpec, weights: parent.weights },
            weight: settings.distillationWeight,
            selectionThreshold: settings.selectionThreshold,
          },
        }
      : {}),
    validationBreakdown: breakdown,
    log,
    ...(input.shouldStop ? { shouldStop: input.shouldStop } : {}),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.checkpoints ? { checkpoints: input.checkpoints } : {}),
  });

  const lineage: NonNullable<ModelMetadata['lineage']> = {
    parent: { name: parent.metadata.name, version: parent.metadata.version, fingerprint: parentFingerprint, classes: [...parentClasses] },
    method: settings.method,
    addedClasses: [...addedClasses],
    newData: {
      source: newData.source,
      fingerprint: fingerprintTrainingData({ train: newData.train, validation: newData.validation }),
      split: newData.split,
      trainImages: freshTrain.images.length,
      validationImages: freshValidation.images.length,
    },
    exemplars:
      exemplars && replay && replayFingerprint
        ? {
            source: replay.source,
            sourceFingerprint: replayFingerprint,
            matchesParent,
            rule: exemplars.rule,
            budget: settings.exemplarBudget,
            ids: [...exemplars.ids],
            fingerprint: exemplars.fingerprint,
            replayShare: mix.replayShare,
          }
        : null,
    distillation: distil
      ? { weight: settings.distillationWeight, selectionThreshold: settings.selectionThreshold, variant: 'lwf-erd-selected-response' }
      : null,
    frozenPrefixes: [...settings.frozenPrefixes],
    hyperparameters: JSON.parse(JSON.stringify({ ...settings, trainer: config })) as Record<string, unknown>,
    command: input.command,
  };
  return { spec, weights: training.weights, training, addedClasses, exemplars, validation, lineage, warnings };
}
