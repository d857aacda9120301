import { randomUUID } from 'node:crypto';
import { Topics, type TrainingTrigger, type TrainingTriggerRequestedV1 } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import {
  BaseModelNotFoundError,
  JobAlreadyActiveError,
  NoProductionModelError,
  NothingLabelledError,
  ShotsNotLabelledError,
} from '../continual.errors';
import type { DatasetVersioner } from '../datasets/dataset-versioner';
import type { StoredDatasetVersion } from '../datasets/dataset.ports';
import type { AnnouncedDataset, ProductionModelReader, RequestedTrainingJob, TrainingJobRequests } from './training-job-requests.ports';

export interface TrainingJobSettings {
  readonly epochs: number;
  readonly seed: number;
  /** A queued job not announced after this long is announced again (see announceStalled). */
  readonly announceAfterMs: number;
}

export interface RequestTrainingJobCommand {
  readonly lineId: string;
  readonly triggers: readonly TrainingTrigger[];
  /** A person (console, CLI) or `policy`. */
  readonly requestedBy: string;
  /** An adaptation of the named base (the new-line wizard) instead of a fine-tune of the line's production model. */
  readonly adaptation?: TrainingTriggerRequestedV1['adaptation'];
}

/**
 * Asks for a fine-tune of a line's production model: freezes the line's labels into a new data
 * set version, records the job (one active job per line) and announces it on
 * `training.job.requested.v1` for the trainer workers. The job is recorded before it is
 * announced; `announceStalled` announces again what a crash left recorded but unannounced.
 */
export class RequestTrainingJobUseCase {
  constructor(
    private readonly models: ProductionModelReader,
    private readonly datasets: DatasetVersioner,
    private readonly jobs: TrainingJobRequests,
    private readonly bus: MessageBus,
    private readonly settings: TrainingJobSettings,
  ) {}

  async request(command: RequestTrainingJobCommand): Promise<{ job: RequestedTrainingJob; dataset: StoredDatasetVersion }> {
    const { lineId } = command;
    const active = await this.jobs.activeJob(lineId);
    if (active) throw new JobAlreadyActiveError(lineId, active.id);
    const { adaptation } = command;
    // A fine-tune starts from the line's production model; an adaptation from the base it names
    // (a new line has no production model: that is why it is adapted).
    const base = adaptation ? await this.models.modelVersion(adaptation.baseModelVersionId) : await this.models.productionModelFor(lineId);
    if (!base) throw adaptation ? new BaseModelNotFoundError(adaptation.baseModelVersionId) : new NoProductionModelError(lineId);
    const next = await this.datasets.nextVersion(lineId, command.requestedBy);
    if (!next) throw new NothingLabelledError(lineId);
    if (adaptation) await this.checkShots(lineId, adaptation.shotFrameIds, next.version);
    const job: RequestedTrainingJob = {
      id: randomUUID(),
      lineId,
      datasetVersionId: next.version.id,
      baseModelVersionId: base.id,
      baseArtifactKey: base.artifactKey,
      triggers: command.triggers,
      requestedBy: command.requestedBy,
      epochs: this.settings.epochs,
      seed: this.settings.seed,
      ...(adaptation
        ? { adaptation: { start: adaptation.start, shotFrameIds: adaptation.shotFrameIds, budgetSeconds: adaptation.budgetSeconds } }
        : {}),
    };
    await this.jobs.create(job);
    await this.announce(job, next.version);
    return { job, dataset: next.version };
  }

  /** Every shot is a frame of the version, and at least one other frame is left to evaluate on. */
  private async checkShots(lineId: string, shots: readonly string[], version: StoredDatasetVersion): Promise<void> {
    const frames = new Set((await this.datasets.content(version)).frames.map((f) => f.frameId));
    const missing = shots.filter((id) => !frames.has(id));
    if (missing.length > 0) {
      throw new ShotsNotLabelledError(
        lineId,
        `${missing.length} shot(s) are not labelled in data set version ${version.number} (their reviews not recorded yet? ask again in a moment)`,
        { frameIds: missing.slice(0, 20) },
      );
    }
    if (frames.size <= new Set(shots).size) {
      throw new ShotsNotLabelledError(lineId, `every labelled frame is a shot: nothing is left to evaluate the adaptation on`, {});
    }
  }

  /** Announces the queued jobs a crash left unannounced; returns how many. */
  async announceStalled(now: Date): Promise<number> {
    const stalled = await this.jobs.unannounced(new Date(now.getTime() - this.settings.announceAfterMs));
    for (const { job, dataset } of stalled) await this.announce(job, dataset);
    return stalled.length;
  }

  private async announce(job: RequestedTrainingJob, dataset: AnnouncedDataset): Promise<void> {
    await this.bus.publish(Topics.trainingJobRequested, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      jobId: job.id,
      lineId: job.lineId,
      datasetVersionId: dataset.id,
      datasetFingerprint: dataset.fingerprint,
      manifestKey: dataset.manifestKey,
      baseModelVersionId: job.baseModelVersionId,
      baseArtifactKey: job.baseArtifactKey,
      requestedBy: job.requestedBy,
      triggers: job.triggers.map((t) => ({ ...t })),
      epochs: job.epochs,
      seed: job.seed,
      ...(job.adaptation ? { adaptation: { ...job.adaptation, shotFrameIds: [...job.adaptation.shotFrameIds] } } : {}),
    });
    await this.jobs.markAnnounced(job.id);
  }
}
