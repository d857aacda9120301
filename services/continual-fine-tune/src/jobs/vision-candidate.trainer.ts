import * as path from 'node:path';
import type { TrainingJobRequestedV1 } from '@argus/contracts';
import type { Logger } from '@argus/platform';
import type { ObjectStore } from '@argus/storage';
import {
  DEFAULT_FINE_TUNE_SETTINGS,
  type FineTuneData,
  fineTuneTrainerConfig,
  folderPackageFiles,
  loadModelPackage,
  loadRecordedTrainingData,
  objectStorePackageFiles,
  runFineTunePipeline,
  selectTfBackend,
  TrainingCheckpointStore,
  type TrainingCheckpoint,
  type TrainingCheckpointPort,
} from '@argus/vision';
import { loadJobDataset, objectBytesReader } from './job-dataset.loader';
import type { CandidateTrainer, TrainedCandidate, TrainerHooks } from './training-job.ports';

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
      onProgress: (r) =>
        hooks.onProgress({
          phase: 'training',
          step: r.globalStep,
          totalSteps: r.totalSteps,
          losses: r.losses,
          validationAp: r.validationAp,
          etaSeconds: r.etaSeconds,
          message: `epoch ${r.epoch}/${r.epochs}`,
        }),
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
