import { readFile } from 'node:fs/promises';
import { buildModelPackage } from '../artifact/model-package.builder';
import type { ModelPackageFiles } from '../artifact/model-package.files';
import { saveModelPackage, type ModelPackage } from '../artifact/model-package.store';
import type { EvaluationReport } from '../eval/evaluation-report';
import { DEFAULT_TRAINER_CONFIG, type TrainerConfig, type TrainingProgressReport } from '../train/detector.trainer';
import type { TrainingCheckpointPort } from '../train/training-checkpoint.store';
import type { ObjectBytesReader } from '../data/image-ref.reader';
import {
  loadTrainingData,
  parseTrainingDataSource,
  type TrainingDataOptions,
  type TrainingDataSource,
} from '../train/training-data.source';
import { evaluateLoaded, openRunLog, recordRun, validationCheckBatch, validationRecord } from '../train/training.pipeline';
import { fineTuneDetector, type FineTuneData, type FineTuneResult, type FineTuneSettings } from './fine-tune';

/** The trainer settings a fine-tune starts from: the parent's recorded ones, where it recorded them. */
export function parentTrainerConfig(parent: ModelPackage): TrainerConfig {
  const recorded = (parent.metadata.training?.config ?? {}) as Partial<TrainerConfig>;
  return {
    ...DEFAULT_TRAINER_CONFIG,
    ...recorded,
    augmentation: { ...DEFAULT_TRAINER_CONFIG.augmentation, ...(recorded.augmentation ?? {}) },
  };
}

/**
 * The training recipe of a fine-tune where its caller does not set one: a lower peak learning
 * rate than training from scratch (the weights start near a good solution), a short warm-up, an
 * EMA of the weights, no early stopping, and the best validation epoch shipped. `argus finetune`'s
 * flags default to these, and continual-fine-tune's jobs use them.
 */
export const DEFAULT_FINE_TUNE_TRAINING = {
  epochs: 8,
  learningRate: 0.001,
  warmupEpochs: 0.5,
  emaDecay: 0.99,
  patience: 0,
  ship: 'best',
} as const satisfies Partial<TrainerConfig>;

/** The parent's recorded trainer settings with the fine-tune recipe over them, and the caller's over both. */
export function fineTuneTrainerConfig(parent: ModelPackage, overrides: Partial<TrainerConfig> = {}): TrainerConfig {
  return { ...parentTrainerConfig(parent), ...DEFAULT_FINE_TUNE_TRAINING, ...overrides };
}

/** Loads a data source and splits it, as `argus train` does, into what a fine-tune takes. */
export async function loadFineTuneData(source: TrainingDataSource, options: TrainingDataOptions): Promise<FineTuneData> {
  const data = await loadTrainingData(source, options);
  return {
    source: data.source,
    classes: data.classes,
    train: data.train,
    validation: data.validation,
    split: data.split,
    options: JSON.parse(JSON.stringify(options)) as Record<string, unknown>,
  };
}

/**
 * The parent's training data as it recorded it (source and split options), for rehearsal; null
 * when the parent recorded none (a package not made by `argus train`).
 */
export async function loadRecordedTrainingData(parent: ModelPackage): Promise<FineTuneData | null> {
  const training = parent.metadata.training;
  if (!training) return null;
  const options = { seed: 1, ...(training.data.options ?? {}) } as TrainingDataOptions;
  return loadFineTuneData(parseTrainingDataSource(training.data.source), options);
}

export interface FineTunePipelineOptions {
  readonly parent: ModelPackage;
  readonly newData: FineTuneData;
  readonly replayData?: FineTuneData;
  readonly settings: FineTuneSettings;
  readonly config: TrainerConfig;
  readonly runDir: string;
  readonly resume: boolean;
  readonly out: ModelPackageFiles;
  readonly command: string;
  readonly argusVersion: string;
  readonly backend: string;
  readonly name?: string;
  readonly version?: string;
  readonly exportOnnx?: boolean;
  readonly log?: (line: string) => void;
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (report: TrainingProgressReport) => void;
  readonly checkpoints?: TrainingCheckpointPort;
  readonly objects?: ObjectBytesReader;
}

export interface FineTunePipelineResult {
  readonly package: ModelPackage;
  readonly fineTune: FineTuneResult;
  /** The shipped weights on the mixed validation set. */
  readonly report: EvaluationReport | null;
}

/**
 * `argus finetune` end to end: fine-tune (resumable; see fineTuneDetector), evaluate the result on
 * the mixed validation set with the parent's NMS setting, export to ONNX with the numerical check,
 * and write a model package whose metadata carries the lineage (parent and its fingerprint, the new
 * data's and the exemplars' fingerprints, method, every hyperparameter, the command).
 */
export async function runFineTunePipeline(options: FineTunePipelineOptions): Promise<FineTunePipelineResult> {
  const { file: logFile, log } = await openRunLog(options.runDir, 'finetune.log', options.command, options.log);
  const run = await recordRun(options.runDir, options.command, options.resume);
  const { parent } = options;
  log(
    `parent ${parent.metadata.name}@${parent.metadata.version} (${parent.metadata.spec.classes.join(', ')}); new data ${options.newData.source}: ` +
      `${options.newData.split}${options.replayData ? `; replay from ${options.replayData.source}` : ''}`,
  );
  const fineTune = await fineTuneDetector({
    parent,
    newData: options.newData,
    ...(options.replayData ? { replayData: options.replayData } : {}),
    settings: options.settings,
    config: options.config,
    runDir: options.runDir,
    resume: options.resume,
    command: options.command,
    log,
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.checkpoints ? { checkpoints: options.checkpoints } : {}),
    ...(options.objects ? { objects: options.objects } : {}),
  });
  const { training } = fineTune;
  log(`fine-tune stopped (${training.stopReason}) after ${training.state.epoch} epoch(s), ${training.state.globalStep} steps`);

  const nmsIouThreshold = parent.metadata.postprocessing.nmsIouThreshold;
  const report =
    fineTune.validation.length > 0 ? await evaluateLoaded(fineTune.spec, fineTune.weights, fineTune.validation, nmsIouThreshold) : null;
  const checkBatch = validationCheckBatch(fineTune.validation, fineTune.spec.template);
  const pkg = await buildModelPackage({
    trainingLog: await readFile(logFile, 'utf8'),
    spec: fineTune.spec,
    weights: fineTune.weights,
    argusVersion: options.argusVersion,
    name: options.name ?? parent.metadata.name,
    ...(options.version ? { version: options.version } : {}),
    postprocessing: {
      deploymentThreshold: report ? report.bestF1.scoreThreshold : parent.metadata.postprocessing.deploymentThreshold,
      nmsIouThreshold,
    },
    exportOnnx: options.exportOnnx ?? true,
    ...(checkBatch ? { checkBatch } : {}),
    training: {
      command: run.command,
      resumedWith: run.resumedWith,
      backend: options.backend,
      data: {
        source: fineTune.lineage.newData.source,
        fingerprint: fineTune.lineage.newData.fingerprint,
        split: options.newData.split,
        trainImages: fineTune.lineage.newData.trainImages,
        validationImages: fineTune.validation.length,
        skippedImages: 0,
        skippedAnnotations: 0,
        ...(options.newData.options ? { options: options.newData.options } : {}),
      },
      config: JSON.parse(JSON.stringify(options.config)) as Record<string, unknown>,
      epochsRun: training.state.epoch,
      bestEpoch: training.bestEpoch,
      stopReason: training.stopReason,
      trainImagesPerSecond: training.trainImagesPerSecond,
      trainingSeconds: training.state.trainingSeconds,
      wallSeconds: training.state.wallSeconds,
    },
    validation: validationRecord(report, options.config.selectionMetric),
    lineage: fineTune.lineage,
  });
  await saveModelPackage(options.out, pkg);
  log(`model package written to ${options.out.location}`);
  return { package: pkg, fineTune, report };
}
