import { randomUUID } from 'node:crypto';
import { JobAlreadyActiveError, UnknownFrameError } from '../continual.errors';
import type { DatasetVersionStore, LabelledFrameSource, NewDatasetVersion, StoredDatasetVersion } from '../datasets/dataset.ports';
import type { StoredFrameFacts } from '../datasets/dataset-version';
import type { FrameLabel, ResolvedFrameLabel } from '../labels/frame-label';
import type { LabelStore } from '../labels/label.ports';
import type { AnnouncedDataset, RequestedTrainingJob, TrainingJobRequests } from '../jobs/training-job-requests.ports';

/** Labels in memory, over a map of the frames "stored" (unit tests; the embedded mode later). */
export class InMemoryLabelStore implements LabelStore, LabelledFrameSource {
  readonly frames = new Map<string, StoredFrameFacts>();
  private readonly labels = new Map<string, FrameLabel[]>();
  private readonly resolved = new Map<string, { resolved: ResolvedFrameLabel }>();

  async record(label: FrameLabel): Promise<readonly FrameLabel[]> {
    if (!this.frames.has(label.frameId)) throw new UnknownFrameError(label.frameId);
    const all = this.labels.get(label.frameId) ?? [];
    if (!all.some((l) => l.reviewId === label.reviewId)) all.push(label);
    this.labels.set(label.frameId, all);
    return [...all];
  }

  async saveResolved(resolved: ResolvedFrameLabel): Promise<void> {
    this.resolved.set(resolved.label.frameId, { resolved });
  }

  async labelsOf(lineId: string) {
    return [...this.resolved.values()]
      .filter((r) => r.resolved.label.lineId === lineId)
      .map((r) => ({ resolved: r.resolved, frame: this.frames.get(r.resolved.label.frameId)! }));
  }

  resolvedLabel(frameId: string): ResolvedFrameLabel | undefined {
    return this.resolved.get(frameId)?.resolved;
  }
}

export class InMemoryDatasetVersionStore implements DatasetVersionStore {
  readonly versions: StoredDatasetVersion[] = [];

  async latest(lineId: string): Promise<StoredDatasetVersion | null> {
    return (
      this.versions
        .filter((v) => v.lineId === lineId)
        .sort((a, b) => b.number - a.number)
        .at(0) ?? null
    );
  }

  async create(version: NewDatasetVersion): Promise<StoredDatasetVersion> {
    if (this.versions.some((v) => v.lineId === version.lineId && v.number === version.number)) {
      throw new Error(`data set version ${version.lineId}@${version.number} exists`);
    }
    const stored = { ...version, id: randomUUID(), createdAt: new Date() };
    this.versions.push(stored);
    return stored;
  }

  async find(id: string): Promise<StoredDatasetVersion | null> {
    return this.versions.find((v) => v.id === id) ?? null;
  }
}

/** The requesting side of the jobs' ledger in memory; `finish` plays the trainer's part. */
export class InMemoryTrainingJobRequests implements TrainingJobRequests {
  readonly jobs = new Map<string, { job: RequestedTrainingJob; status: 'queued' | 'done'; announced: boolean; createdAt: Date }>();

  constructor(private readonly datasets: InMemoryDatasetVersionStore) {}

  async activeJob(lineId: string) {
    const active = [...this.jobs.values()].find((j) => j.job.lineId === lineId && j.status === 'queued');
    return active ? { id: active.job.id } : null;
  }

  async create(job: RequestedTrainingJob): Promise<void> {
    const active = await this.activeJob(job.lineId);
    if (active) throw new JobAlreadyActiveError(job.lineId, active.id);
    this.jobs.set(job.id, { job, status: 'queued', announced: false, createdAt: new Date(0) });
  }

  async markAnnounced(jobId: string): Promise<void> {
    this.jobs.get(jobId)!.announced = true;
  }

  async unannounced(before: Date) {
    const out: { job: RequestedTrainingJob; dataset: AnnouncedDataset }[] = [];
    for (const j of this.jobs.values()) {
      if (j.status !== 'queued' || j.announced || j.createdAt >= before) continue;
      const dataset = await this.datasets.find(j.job.datasetVersionId);
      if (dataset) out.push({ job: j.job, dataset });
    }
    return out;
  }

  finish(jobId: string): void {
    this.jobs.get(jobId)!.status = 'done';
  }
}
