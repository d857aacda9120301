import type { ResolvedFrameLabel } from '../labels/frame-label';
import type { DatasetChanges, DatasetCounts, StoredFrameFacts } from './dataset-version';

/** A data set version as recorded (Postgres); its content is in the object store under `contentKey`. */
export interface StoredDatasetVersion {
  readonly id: string;
  readonly lineId: string;
  /** 1, 2, 3… per line. */
  readonly number: number;
  readonly parentId: string | null;
  readonly fingerprint: string;
  readonly holdoutShare: number;
  readonly classes: readonly string[];
  readonly counts: DatasetCounts;
  readonly changes: DatasetChanges;
  /** The full content (DatasetVersionContent as JSON), the sample manifest and the COCO export. */
  readonly contentKey: string;
  readonly manifestKey: string;
  readonly cocoKey: string;
  /** Who or what made it: a person, or `policy` for a trigger. */
  readonly producedBy: string;
  readonly createdAt: Date;
}

export type NewDatasetVersion = Omit<StoredDatasetVersion, 'id' | 'createdAt'>;

export interface DatasetVersionStore {
  latest(lineId: string): Promise<StoredDatasetVersion | null>;
  /** Records a version; throws when the line's number is taken (another version was made at the same time). */
  create(version: NewDatasetVersion): Promise<StoredDatasetVersion>;
}

/** The resolved labels of a line, with what the frame store knows of each frame. */
export interface LabelledFrameSource {
  /**
   * Every resolved label of the line. A version is the parent's content with these laid over it,
   * compared frame by frame, so no label can slip between two versions (as one committed late
   * behind a timestamp watermark could).
   */
  labelsOf(lineId: string): Promise<readonly { readonly resolved: ResolvedFrameLabel; readonly frame: StoredFrameFacts }[]>;
}
