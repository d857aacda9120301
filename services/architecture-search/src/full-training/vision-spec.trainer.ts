import * as path from 'node:path';
import {
  DEFAULT_TRAINER_CONFIG,
  folderPackageFiles,
  parseTrainingDataSource,
  runTrainingPipeline,
  selectTfBackend,
  type ArchitectureSpec,
  type TrainerConfig,
  type TrainingDataSource,
} from '@argus/vision';
import { FullTrainingInterruptedError } from './full-training.errors';
import type { FullTrainingJob, SpecTrainer, TrainedPackage } from './full-training.ports';

export interface VisionSpecTrainerSettings {
  readonly maxMinutes: number;
  readonly progressEverySeconds: number;
  /** Training scenes of a `synthetic:FEED` source (a fifth as many for validation). */
  readonly syntheticImages: number;
  readonly argusVersion: string;
}

/** The crop the shipped DeepPCB model trained on; an input no larger trains on whole images. */
const SHIPPED_CROP = 128;

/**
 * Trains a trial's spec the way the shipped DeepPCB model was trained (`argus train` with the
 * command in models/README.md: batch 16, lr 0.003, 3 crops of 128 px per image, box-centred crops,
 * flips and transposes, brightness and contrast, seed 1, patience 8, DeepPCB AP for PCB data) on
 * the search's data with the same split (seed 1, 20% validation) — so its validation AP is
 * comparable with the shipped model's. Checkpoints stay in the run folder: a redelivered request on
 * this machine resumes them.
 */
export class VisionSpecTrainer implements SpecTrainer {
  constructor(private readonly settings: VisionSpecTrainerSettings) {}

  async train(job: FullTrainingJob, runDir: string, log: (line: string) => void, shouldStop: () => boolean): Promise<TrainedPackage> {
    const backend = await selectTfBackend({ logger: { info: (_o, m) => log(m ?? ''), warn: (_o, m) => log(`warning: ${m ?? ''}`) } });
    const source = parseTrainingDataSource(job.request.dataSource);
    const packageDir = path.join(runDir, 'package');
    const result = await runTrainingPipeline({
      spec: job.spec,
      data: source,
      dataOptions: {
        seed: 1,
        validationFraction: 0.2,
        syntheticCount: this.settings.syntheticImages,
        syntheticValidationCount: Math.max(1, Math.round(this.settings.syntheticImages / 5)),
        ...(source.kind === 'synthetic' ? { syntheticSize: Math.max(job.spec.input.width, job.spec.input.height) } : {}),
      },
      config: fullTrainingConfig(job.spec, source, job.epochs, this.settings),
      runDir: path.join(runDir, 'train'),
      out: folderPackageFiles(packageDir),
      resume: true,
      command: `architecture-search full training: search ${job.request.searchId} trial ${job.request.trialId} (${job.request.controller}), request ${job.request.requestId} by ${job.request.requestedBy}`,
      argusVersion: this.settings.argusVersion,
      backend: backend.choice,
      name: job.name,
      version: job.version,
      log,
      shouldStop,
    });
    if (result.training.stopReason === 'interrupted') throw new FullTrainingInterruptedError(job.request.requestId);
    return { packageDir };
  }
}

/** The shipped DeepPCB model's trainer configuration, with this request's epochs. */
export function fullTrainingConfig(
  spec: ArchitectureSpec,
  source: TrainingDataSource,
  epochs: number,
  settings: Pick<VisionSpecTrainerSettings, 'maxMinutes' | 'progressEverySeconds'>,
): TrainerConfig {
  const crop = spec.input.width > SHIPPED_CROP && spec.input.height > SHIPPED_CROP ? { width: SHIPPED_CROP, height: SHIPPED_CROP } : null;
  const pcb = source.kind === 'deeppcb' || (source.kind === 'synthetic' && source.feed === 'pcb');
  return {
    ...DEFAULT_TRAINER_CONFIG,
    epochs,
    batchSize: 16,
    learningRate: 0.003,
    cropsPerImage: 3,
    ...(crop ? { crop } : {}),
    augmentation: {
      boxCentredFraction: 0.6,
      maxShift: 8,
      horizontalFlip: true,
      verticalFlip: true,
      transpose: true,
      brightness: 0.05,
      contrast: 0.1,
    },
    seed: 1,
    selectionMetric: pcb ? 'deeppcb-ap' : 'map50',
    maxMinutes: settings.maxMinutes,
    progressEverySeconds: settings.progressEverySeconds,
  };
}
