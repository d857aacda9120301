import type { TrainingJobRequestedV1 } from '@argus/contracts';
import type { ObjectStore } from '@argus/storage';
import { type LabelledSample, parseSampleManifest, splitTrainValidation } from '@argus/vision';
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
