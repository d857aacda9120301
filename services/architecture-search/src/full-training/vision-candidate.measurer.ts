import { classApsOf, type RetentionAndLatencyInput } from '@argus/registry';
import type { ObjectStore } from '@argus/storage';
import {
  comparePackageServingLatency,
  DetectorRunner,
  evaluateModel,
  folderPackageFiles,
  type LabelledSample,
  loadModelPackage,
  loadTrainingData,
  type ModelPackage,
  objectStorePackageFiles,
  parseTrainingDataSource,
  type TrainingDataOptions,
} from '@argus/vision';
import type { CandidateMeasurer, FullTrainingJob, ProductionModelRef, TrainedPackage } from './full-training.ports';

export interface VisionCandidateMeasurerSettings {
  /** Frames per batch and ONNX Runtime threads when both models are scored and timed: as detection-inference serves. */
  readonly servingBatch: number;
  readonly servingThreads: number;
  /** Timed rounds, each a pass of both models back to back (alternating which goes first); the median ratio counts. */
  readonly latencyRounds: number;
}

/**
 * Scores the candidate and the line's production model the same way (ONNX Runtime, as served) on
 * the validation frames of the request's data source — the split the candidate's metadata records
 * its training used (seed, share, synthetic counts), so frames it never trained on — and times both
 * in this process by paired rounds (compareServingLatency). What the gates then judge; no new-data
 * figures: a search candidate brings no new data, it is a new architecture on the search's data.
 */
export class VisionCandidateMeasurer implements CandidateMeasurer {
  // A manifest data source may name frames by object key.
  private readonly objects = { getObjectBytes: async (key: string) => new Uint8Array(await this.store.get(key)) };

  constructor(
    private readonly store: ObjectStore,
    private readonly settings: VisionCandidateMeasurerSettings,
  ) {}

  async measure(
    _job: FullTrainingJob,
    trained: TrainedPackage,
    production: ProductionModelRef,
    log: (line: string) => void,
  ): Promise<RetentionAndLatencyInput> {
    const candidate = await loadModelPackage(folderPackageFiles(trained.packageDir));
    const current = await loadModelPackage(objectStorePackageFiles(this.store, production.artifactKey));
    const { source, frames } = await validationFrames(candidate);
    log(`scoring production ${production.name}@${production.version} and the candidate on ${frames.length} validation frames of ${source}`);
    const onProduction = await this.score(current, frames);
    const onCandidate = await this.score(candidate, frames);
    log('timing both as served (paired rounds)');
    return {
      productionClasses: current.metadata.spec.classes,
      candidateClasses: candidate.metadata.spec.classes,
      retention: [
        {
          name: `validation (${frames.length} frames of ${source})`,
          production: classApsOf(onProduction.report.coco.perClass),
          candidate: classApsOf(onCandidate.report.coco.perClass),
          instances: Object.fromEntries(onProduction.report.coco.perClass.map((c) => [c.className, c.groundTruthCount])),
        },
      ],
      latencyMs: await this.latency(current, candidate, frames),
    };
  }

  private async score(pkg: ModelPackage, frames: readonly LabelledSample[]) {
    const runner = await DetectorRunner.open(pkg, { threads: this.settings.servingThreads });
    try {
      return await evaluateModel(runner, frames, { batchSize: this.settings.servingBatch, objects: this.objects });
    } finally {
      await runner.dispose();
    }
  }

  private latency(production: ModelPackage, candidate: ModelPackage, frames: readonly LabelledSample[]) {
    return comparePackageServingLatency(production, candidate, frames, {
      threads: this.settings.servingThreads,
      batchSize: this.settings.servingBatch,
      rounds: this.settings.latencyRounds,
      objects: this.objects,
    });
  }
}

/**
 * The validation split the candidate's training recorded (its data source and split options). A
 * synthetic source renders no training scenes here: its validation scenes are indexed apart from
 * them, so they are the same whatever the training count.
 */
async function validationFrames(candidate: ModelPackage): Promise<{ source: string; frames: readonly LabelledSample[] }> {
  const training = candidate.metadata.training;
  if (!training) {
    throw new Error(`${candidate.metadata.name}@${candidate.metadata.version} records no training data: nothing to gate it on`);
  }
  const source = parseTrainingDataSource(training.data.source);
  const options = { seed: 1, ...(training.data.options ?? {}) } as TrainingDataOptions;
  const data = await loadTrainingData(source, source.kind === 'synthetic' ? { ...options, syntheticCount: 0 } : options);
  return { source: data.source, frames: data.validation };
}
