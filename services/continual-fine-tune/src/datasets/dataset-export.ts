import { SAMPLE_MANIFEST_KIND, type SampleManifestHeader, type SampleManifestRecord } from '@argus/vision';
import type { DatasetSplit, DatasetVersionContent } from './dataset-version';

export interface ExportOptions {
  /** Which frames: both splits (default), or one. A training job reads `train`; gates read `holdout`. */
  readonly split?: DatasetSplit;
  /** The name written into the export (e.g. `pcb-1@3`). */
  readonly name: string;
}

/**
 * The version as Argus's labelled-sample manifest (JSON Lines, object-store keys): what
 * `argus train --data manifest:…`, `argus finetune` and `argus eval` read. Each record keeps its
 * split and the review it came from.
 */
export function toSampleManifest(content: DatasetVersionContent, options: ExportOptions): string {
  const header: SampleManifestHeader = {
    manifest: SAMPLE_MANIFEST_KIND,
    version: 1,
    // The vocabulary must not be empty even for a set of hard negatives only; the trainer adds the parent's classes.
    classes: content.classes.length > 0 ? [...content.classes] : ['defect'],
    name: options.name,
  };
  const lines = [JSON.stringify(header)];
  for (const frame of framesOf(content, options.split)) {
    const record: SampleManifestRecord & { readonly split: DatasetSplit } = {
      id: frame.frameId,
      image: frame.objectKey,
      template: frame.templateKey,
      boxes: frame.boxes.map((b) => ({ className: b.className, box: { ...b.box } })),
      source: `review:${frame.reviewId}`,
      group: frame.cameraId,
      width: frame.width,
      height: frame.height,
      split: frame.split,
    };
    lines.push(JSON.stringify(record));
  }
  return `${lines.join('\n')}\n`;
}

export interface CocoDocument {
  readonly info: { readonly description: string; readonly version: string };
  readonly images: readonly {
    readonly id: number;
    readonly file_name: string;
    readonly width: number;
    readonly height: number;
    readonly argus_frame_id: string;
    readonly argus_split: DatasetSplit;
    readonly argus_template: string | null;
  }[];
  readonly annotations: readonly {
    readonly id: number;
    readonly image_id: number;
    readonly category_id: number;
    readonly bbox: readonly [number, number, number, number];
    readonly area: number;
    readonly iscrowd: 0;
  }[];
  readonly categories: readonly { readonly id: number; readonly name: string; readonly supercategory: string }[];
}

/** The version as COCO detection JSON (`file_name` is the frame's object key; boxes as [x, y, w, h]). */
export function toCoco(content: DatasetVersionContent, options: ExportOptions): CocoDocument {
  const categories = content.classes.map((name, i) => ({ id: i + 1, name, supercategory: 'defect' }));
  const categoryId = new Map(categories.map((c) => [c.name, c.id]));
  const images: CocoDocument['images'][number][] = [];
  const annotations: CocoDocument['annotations'][number][] = [];
  framesOf(content, options.split).forEach((frame, index) => {
    const imageId = index + 1;
    images.push({
      id: imageId,
      file_name: frame.objectKey,
      width: frame.width,
      height: frame.height,
      argus_frame_id: frame.frameId,
      argus_split: frame.split,
      argus_template: frame.templateKey,
    });
    for (const { className, box } of frame.boxes) {
      const w = box.x2 - box.x1;
      const h = box.y2 - box.y1;
      annotations.push({
        id: annotations.length + 1,
        image_id: imageId,
        category_id: categoryId.get(className)!,
        bbox: [box.x1, box.y1, w, h],
        area: w * h,
        iscrowd: 0,
      });
    }
  });
  return {
    info: { description: `Argus data set ${options.name} (line ${content.lineId})`, version: content.fingerprint },
    images,
    annotations,
    categories,
  };
}

function framesOf(content: DatasetVersionContent, split: DatasetSplit | undefined) {
  return split ? content.frames.filter((f) => f.split === split) : content.frames;
}
