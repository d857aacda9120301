import { createHash } from 'node:crypto';
import type { LabelledBox } from '@argus/contracts';
import type { ResolvedFrameLabel } from '../labels/frame-label';
import { assertHoldoutShare, inHoldout } from './holdout';

export type DatasetSplit = 'train' | 'holdout';

/** One labelled frame of a data set version, with what training and export need to read it. */
export interface DatasetFrame {
  readonly frameId: string;
  readonly cameraId: string;
  readonly objectKey: string;
  readonly templateKey: string | null;
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly boxes: readonly LabelledBox[];
  readonly split: DatasetSplit;
  /** The review whose ground truth this is (the winner, when reviews conflicted). */
  readonly reviewId: string;
}

/** What the frame store knows of a labelled frame besides its label. */
export interface StoredFrameFacts {
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
}

/** The content of an immutable data set version: its manifest, before it is stored. */
export interface DatasetVersionContent {
  readonly lineId: string;
  readonly holdoutShare: number;
  /** Classes with at least one box, sorted: the vocabulary a job trains on (with the parent model's). */
  readonly classes: readonly string[];
  /** Sorted by frame id. */
  readonly frames: readonly DatasetFrame[];
  /** `sha256:<hex>` of the canonical frames, split and boxes: equal content, equal fingerprint. */
  readonly fingerprint: string;
}

export interface ClassCount {
  readonly trainFrames: number;
  readonly holdoutFrames: number;
  readonly trainBoxes: number;
  readonly holdoutBoxes: number;
}

export interface DatasetCounts {
  readonly frames: { readonly train: number; readonly holdout: number };
  /** Frames with no box (rejected alerts, empty audit items), per split. */
  readonly hardNegatives: { readonly train: number; readonly holdout: number };
  readonly perClass: Readonly<Record<string, ClassCount>>;
}

/** How a version differs from its parent. Frames are never removed: reviewed frames are kept. */
export interface DatasetChanges {
  readonly added: readonly string[];
  readonly relabelled: readonly string[];
  readonly unchanged: number;
}

export interface DatasetVersionDraft {
  readonly content: DatasetVersionContent;
  readonly counts: DatasetCounts;
  readonly changes: DatasetChanges;
}

export interface BuildDatasetVersionInput {
  readonly lineId: string;
  /** The line's latest version, or null for its first. Its holdout share wins over `holdoutShare`. */
  readonly parent: DatasetVersionContent | null;
  /** The share of frames a first version holds out; ignored when there is a parent (the holdout is frozen). */
  readonly holdoutShare: number;
  readonly labels: readonly { readonly resolved: ResolvedFrameLabel; readonly frame: StoredFrameFacts }[];
}

/**
 * The next version of a line's data set: the parent's frames, with the frames whose label is new
 * or changed replaced. A line's holdout share is fixed by its first version, so a frame's split
 * never changes between versions and no version trains on a frame an earlier one evaluated on.
 */
export function buildDatasetVersion(input: BuildDatasetVersionInput): DatasetVersionDraft {
  const holdoutShare = input.parent?.holdoutShare ?? input.holdoutShare;
  assertHoldoutShare(holdoutShare);
  if (input.parent && input.parent.lineId !== input.lineId) {
    throw new RangeError(`the parent version belongs to line ${input.parent.lineId}, not ${input.lineId}`);
  }
  const frames = new Map<string, DatasetFrame>((input.parent?.frames ?? []).map((f) => [f.frameId, f]));
  const added: string[] = [];
  const relabelled: string[] = [];
  for (const { resolved, frame } of input.labels) {
    const label = resolved.label;
    if (label.lineId !== input.lineId) throw new RangeError(`frame ${label.frameId} belongs to line ${label.lineId}, not ${input.lineId}`);
    const next: DatasetFrame = {
      frameId: label.frameId,
      cameraId: label.cameraId,
      objectKey: label.objectKey,
      templateKey: label.templateKey,
      sha256: frame.sha256,
      width: frame.width,
      height: frame.height,
      boxes: label.boxes,
      split: inHoldout(input.lineId, frame.sha256, holdoutShare) ? 'holdout' : 'train',
      reviewId: label.reviewId,
    };
    const before = frames.get(label.frameId);
    if (!before) added.push(label.frameId);
    else if (canonicalFrame(before) !== canonicalFrame(next)) relabelled.push(label.frameId);
    frames.set(label.frameId, next);
  }
  const sorted = [...frames.values()].sort((a, b) => (a.frameId < b.frameId ? -1 : a.frameId > b.frameId ? 1 : 0));
  const content: DatasetVersionContent = {
    lineId: input.lineId,
    holdoutShare,
    classes: [...new Set(sorted.flatMap((f) => f.boxes.map((b) => b.className)))].sort(),
    frames: sorted,
    fingerprint: fingerprintOf(input.lineId, holdoutShare, sorted),
  };
  return {
    content,
    counts: countDataset(content),
    changes: { added: added.sort(), relabelled: relabelled.sort(), unchanged: sorted.length - added.length - relabelled.length },
  };
}

export function countDataset(content: DatasetVersionContent): DatasetCounts {
  const frames = { train: 0, holdout: 0 };
  const hardNegatives = { train: 0, holdout: 0 };
  const perClass: Record<string, { trainFrames: number; holdoutFrames: number; trainBoxes: number; holdoutBoxes: number }> = {};
  for (const frame of content.frames) {
    const holdout = frame.split === 'holdout';
    frames[frame.split] += 1;
    if (frame.boxes.length === 0) hardNegatives[frame.split] += 1;
    const seen = new Set<string>();
    for (const box of frame.boxes) {
      const count = (perClass[box.className] ??= { trainFrames: 0, holdoutFrames: 0, trainBoxes: 0, holdoutBoxes: 0 });
      if (holdout) count.holdoutBoxes += 1;
      else count.trainBoxes += 1;
      if (seen.has(box.className)) continue;
      seen.add(box.className);
      if (holdout) count.holdoutFrames += 1;
      else count.trainFrames += 1;
    }
  }
  return { frames, hardNegatives, perClass };
}

function canonicalFrame(frame: DatasetFrame): string {
  const boxes = frame.boxes
    .map((b) => `${b.className}:${b.box.x1},${b.box.y1},${b.box.x2},${b.box.y2}`)
    .sort()
    .join(';');
  return `${frame.frameId}|${frame.sha256}|${frame.split}|${frame.objectKey}|${frame.templateKey ?? ''}|${boxes}`;
}

function fingerprintOf(lineId: string, holdoutShare: number, frames: readonly DatasetFrame[]): string {
  const hash = createHash('sha256').update(`argus.dataset.v1\n${lineId}\n${holdoutShare}\n`);
  for (const frame of frames) hash.update(`${canonicalFrame(frame)}\n`);
  return `sha256:${hash.digest('hex')}`;
}
