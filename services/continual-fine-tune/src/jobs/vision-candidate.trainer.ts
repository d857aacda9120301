import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { TrainingJobRequestedV1 } from '@argus/contracts';
import type { Logger } from '@argus/platform';
import type { ObjectStore } from '@argus/storage';
import {
  DEFAULT_FINE_TUNE_SETTINGS,
  describeFrames,
  type FineTuneData,
  fineTuneTrainerConfig,
  folderPackageFiles,
  loadModelPackage,
  loadRecordedTrainingData,
  objectStorePackageFiles,
  runFewShotPipeline,
  runFineTunePipeline,
  selectTfBackend,
  type TrainingProgressReport,
  TrainingCheckpointStore,
  type TrainingCheckpoint,
  type TrainingCheckpointPort,
} from '@argus/vision';
import { loadAdaptationDataset, loadJobDataset, objectBytesReader } from './job-dataset.loader';
import type { CandidateTrainer, JobProgress, TrainedCandidate, TrainerHooks } from './training-job.ports';

export interface VisionCandidateTrainerSettings {
  /** Share of the data set's training frames that picks the best epoch. */
  readonly validationShare: number;
  /** Seconds between progress lines (and progress figures). */
  readonly progressEverySeconds: number;
  readonly argusVersion: string;
}

/**
 * Fine-tunes with the method `argus finetune` and `bench:continual` validated: replay of the
 * parent's recorded training data with distillation when that data can be loaded here, plain
 * fine-tuning (and a warning in the job's log) when it cannot. Frames are read from the object
 * store as they were stored; checkpoints go to `<runDir>/train` and are copied away after each.
 */
export class VisionCandidateTrainer implements CandidateTrainer {
  constructor(
    private readonly store: ObjectStore,
    private readonly settings: VisionCandidateTrainerSettings,
    private readonly logger: Pick<Logger, 'info' | 'warn'>,
  ) {}

  async train(job: TrainingJobRequestedV1, runDir: string, hooks: TrainerHooks): Promise<TrainedCandidate> {
    if (job.adaptation) return this.adapt(job, job.adaptation, runDir, hooks);
    const log = (line: string) => this.logger.info({ jobId: job.jobId }, line);
    const backend = await selectTfBackend({ logger: { info: () => undefined, warn: (o, m) => this.logger.warn(o, m) } });
    const parent = await loadModelPackage(objectStorePackageFiles(this.store, job.baseArtifactKey));
    const dataset = await loadJobDataset(this.store, job, this.settings.validationShare);
    const newData: FineTuneData = {
      source: `dataset:${job.lineId}@${job.datasetFingerprint}`,
      classes: dataset.classes,
      train: dataset.train,
      validation: dataset.validation,
      split: `${dataset.train.length} training / ${dataset.validation.length} validation frames of the data set's training split (its ${dataset.holdout.length} holdout frames kept out)`,
      options: { seed: job.seed, validationFraction: this.settings.validationShare },
    };
    const replay = await this.replayData(job, parent);
    const trainDir = path.join(runDir, 'train');
    const checkpoints = new ReportingCheckpoints(new TrainingCheckpointStore(trainDir), hooks.onCheckpoint);
    const packageDir = path.join(runDir, 'package');
    const version = candidateVersionOf(job);
    const result = await runFineTunePipeline({
      parent,
      newData,
      ...(replay ? { replayData: replay } : {}),
      settings: { ...DEFAULT_FINE_TUNE_SETTINGS, method: replay ? DEFAULT_FINE_TUNE_SETTINGS.method : 'naive' },
      config: fineTuneTrainerConfig(parent, {
        epochs: job.epochs,
        seed: job.seed,
        progressEverySeconds: this.settings.progressEverySeconds,
      }),
      runDir: trainDir,
      resume: await checkpoints.hasCheckpoint(),
      out: folderPackageFiles(packageDir),
      command: `continual-fine-tune job ${job.jobId} (line ${job.lineId}, data set ${job.datasetFingerprint})`,
      argusVersion: this.settings.argusVersion,
      backend: backend.choice,
      name: parent.metadata.name,
      version,
      log,
      shouldStop: hooks.shouldStop,
      onProgress: (r) => hooks.onProgress(trainingProgress(r, `epoch ${r.epoch}/${r.epochs}`)),
      checkpoints,
      objects: objectBytesReader(this.store),
    });
    const { spec } = result.package.metadata;
    return {
      packageDir,
      name: result.package.metadata.name,
      version,
      classes: [...spec.classes],
      usesTemplate: spec.template !== 'none',
      stopped: result.fineTune.training.stopReason === 'interrupted',
    };
  }

  /**
   * An adaptation (the new-line wizard): libs/vision's few-shot pipeline from the job's base (the
   * nearest production model, or a meta-init package) on the shots, evaluated on the version's
   * other frames, within the job's wall-clock budget. It keeps no checkpoint: a job redelivered
   * after a crash adapts again from the start (the budget bounds what is lost), and the ledger and
   * the version name still make it one candidate.
   */
  private async adapt(
    job: TrainingJobRequestedV1,
    adaptation: NonNullable<TrainingJobRequestedV1['adaptation']>,
    runDir: string,
    hooks: TrainerHooks,
  ): Promise<TrainedCandidate> {
    const log = (line: string) => this.logger.info({ jobId: job.jobId }, line);
    const backend = await selectTfBackend({ logger: { info: () => undefined, warn: (o, m) => this.logger.warn(o, m) } });
    const base = await loadModelPackage(objectStorePackageFiles(this.store, job.baseArtifactKey));
    const dataset = await loadAdaptationDataset(this.store, job);
    const baseSpec = base.metadata.spec;
    const packageDir = path.join(runDir, 'package');
    const adaptDir = path.join(runDir, 'adapt');
    // A redelivery on this host (after a kill -9) may find the last attempt's files: it starts over.
    await Promise.all([rm(packageDir, { recursive: true, force: true }), rm(adaptDir, { recursive: true, force: true })]);
    const version = candidateVersionOf(job);
    const objects = objectBytesReader(this.store);
    const result = await runFewShotPipeline({
      start: adaptation.start,
      from: base,
      // The line's frames decide the input: grey or RGB from the frames themselves; all with a golden
      // template keep the base's comparison (stack-difference when the base has none), any without
      // one: plain frames. What differs from the base is transplanted (and said in the log).
      input: await describeFrames(dataset.shots, { objects, templateMode: baseSpec.template }),
      data: {
        source: `dataset:${job.lineId}@${job.datasetFingerprint}`,
        classes: dataset.classes,
        train: dataset.shots,
        validation: dataset.evaluation,
        split: `${dataset.shots.length} shot(s) chosen in the new-line wizard / ${dataset.evaluation.length} evaluation frame(s): the data set version's other labelled frames`,
        options: { shots: [...adaptation.shotFrameIds] },
      },
      budgetSeconds: adaptation.budgetSeconds,
      seed: job.seed,
      runDir: adaptDir,
      command: `continual-fine-tune job ${job.jobId} (adapt ${adaptation.start} for line ${job.lineId}, data set ${job.datasetFingerprint})`,
      log,
      shouldStop: hooks.shouldStop,
      onProgress: (r) => hooks.onProgress(trainingProgress(r, `adapting (${adaptation.start}): epoch ${r.epoch}/${r.epochs}`)),
      objects,
      out: folderPackageFiles(packageDir),
      argusVersion: this.settings.argusVersion,
      backend: backend.choice,
      name: `${job.lineId}-${adaptation.start}`,
      version,
    });
    const { spec } = result.package.metadata;
    return {
      packageDir,
      name: result.package.metadata.name,
      version,
      classes: [...spec.classes],
      usesTemplate: spec.template !== 'none',
      stopped: result.adaptation.training.stopReason === 'interrupted',
    };
  }

  private async replayData(
    job: TrainingJobRequestedV1,
    parent: Awaited<ReturnType<typeof loadModelPackage>>,
  ): Promise<FineTuneData | null> {
    try {
      const replay = await loadRecordedTrainingData(parent);
      if (!replay)
        this.logger.warn(
          { jobId: job.jobId },
          'the base model recorded no training data: fine-tuning without replay, old classes may be forgotten (the gates will tell)',
        );
      return replay;
    } catch (error) {
      this.logger.warn(
        { jobId: job.jobId, err: error },
        "the base model's training data cannot be loaded on this worker: fine-tuning without replay, old classes may be forgotten (the gates will tell)",
      );
      return null;
    }
  }
}

/** The trainer's report as the job's progress event (the training phase). */
function trainingProgress(r: TrainingProgressReport, message: string): JobProgress {
  return {
    phase: 'training',
    step: r.globalStep,
    totalSteps: r.totalSteps,
    losses: r.losses,
    validationAp: r.validationAp,
    etaSeconds: r.etaSeconds,
    message,
  };
}

/** One job, one version name: a redelivered job registers the same version, never a second. */
export function candidateVersionOf(job: TrainingJobRequestedV1): string {
  return `ft-${job.jobId.slice(0, 8)}`;
}

/** Saves each checkpoint where the trainer keeps it, then tells the job runner (which copies the run folder away). */
class ReportingCheckpoints implements TrainingCheckpointPort {
  constructor(
    private readonly inner: TrainingCheckpointPort,
    private readonly saved: () => Promise<void>,
  ) {}
  async saveCheckpoint(checkpoint: TrainingCheckpoint): Promise<void> {
    await this.inner.saveCheckpoint(checkpoint);
    await this.saved();
  }
  hasCheckpoint() {
    return this.inner.hasCheckpoint();
  }
  loadCheckpoint() {
    return this.inner.loadCheckpoint();
  }
  saveBest(...args: Parameters<TrainingCheckpointPort['saveBest']>) {
    return this.inner.saveBest(...args);
  }
  loadBest() {
    return this.inner.loadBest();
  }
}
