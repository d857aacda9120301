import type { TrainingJobRequestedV1 } from '@argus/contracts';
import { DomainError } from '@argus/platform';
import type { ObjectStore } from '@argus/storage';
import { type LabelledSample, parseSampleManifest, splitTrainValidation } from '@argus/vision';
import { ContinualErrorCodes } from '../continual.errors';
import type { DatasetSplit } from '../datasets/dataset-version';

/** A job's data set version as training reads it: the training frames split for validation, and the holdout. */
export interface JobDataset {
  readonly classes: readonly string[];
  readonly train: readonly LabelledSample[];
  /** Picks the best epoch: a share of the training frames, never the holdout. */
  readonly validation: readonly LabelledSample[];
  /** The line's frozen holdout: only the gates see it. */
  readonly holdout: readonly LabelledSample[];
}

/**
 * Reads the job's manifest from the object store. Model selection (the best epoch) runs on a
 * deterministic share of the training frames, so the holdout the gates measure on has influenced
 * nothing the candidate is.
 */
export async function loadJobDataset(store: ObjectStore, job: TrainingJobRequestedV1, validationShare: number): Promise<JobDataset> {
  const text = (await store.get(job.manifestKey)).toString('utf8');
  const bySplit = partitionManifest(text);
  const label = `${store.bucket}/${job.manifestKey}`;
  const parse = (lines: string[]) => parseSampleManifest(lines.join('\n'), label);
  const train = parse(bySplit.train);
  const holdout = parse(bySplit.holdout);
  const split = splitTrainValidation(train.samples, { seed: job.seed, validationFraction: validationShare, stratum: () => '' });
  return { classes: train.classes, train: split.train, validation: split.validation, holdout: holdout.samples };
}

/** An adaptation's data: the shots train, every other frame of the version evaluates. */
export interface AdaptationDataset {
  readonly classes: readonly string[];
  readonly shots: readonly LabelledSample[];
  readonly evaluation: readonly LabelledSample[];
}

/**
 * Reads an adaptation job's manifest whole (both splits: a new line's few labelled frames are too
 * few to set a holdout aside from) and splits it by the job's shots. Throws when a shot is missing
 * from the version (the request checked it; a hand-made event may not have).
 */
export async function loadAdaptationDataset(store: ObjectStore, job: TrainingJobRequestedV1): Promise<AdaptationDataset> {
  if (!job.adaptation) throw new Error(`job ${job.jobId} is not an adaptation`);
  const text = (await store.get(job.manifestKey)).toString('utf8');
  const { classes, samples } = parseSampleManifest(text, `${store.bucket}/${job.manifestKey}`);
  const shotIds = new Set(job.adaptation.shotFrameIds);
  const shots = samples.filter((s) => shotIds.has(s.id));
  if (shots.length !== shotIds.size) {
    const found = new Set(shots.map((s) => s.id));
    const missing = [...shotIds].filter((id) => !found.has(id));
    throw new DomainError(
      ContinualErrorCodes.shotsNotLabelled,
      `job ${job.jobId}: ${missing.length} shot(s) are not in data set version ${job.datasetVersionId}: ${missing.slice(0, 5).join(', ')}`,
    );
  }
  return { classes, shots, evaluation: samples.filter((s) => !shotIds.has(s.id)) };
}

/** The manifest's header, then its records of each split (a record without `split` is training data). */
function partitionManifest(text: string): Record<DatasetSplit, string[]> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const out: Record<DatasetSplit, string[]> = { train: [header], holdout: [header] };
  for (const line of lines.slice(1)) {
    const split = (JSON.parse(line) as { split?: unknown }).split;
    out[split === 'holdout' ? 'holdout' : 'train'].push(line);
  }
  return out;
}

/** The object store as the vision lib's image reader. */
export function objectBytesReader(store: ObjectStore) {
  return { getObjectBytes: async (key: string) => new Uint8Array(await store.get(key)) };
}
