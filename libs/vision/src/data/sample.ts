import type { LabelledBox } from '@argus/contracts';

/**
 * Where an image's bytes are: a file on disk (data sets, local folders), an object-store key
 * (frames and templates that services stored), or encoded bytes already in memory (synthetic
 * generators, tests). Readers resolve a ref to bytes; nothing here reads by itself.
 */
export type ImageRef =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'object'; readonly key: string }
  | { readonly kind: 'encoded'; readonly bytes: Uint8Array; readonly format: 'png' | 'jpeg' };

/** A labelled box, as data sets and operators give it; `difficult` comes from Pascal VOC. */
export interface SampleBox extends LabelledBox {
  readonly difficult?: boolean;
}

/** One labelled image: what training, validation and evaluation consume. */
export interface LabelledSample {
  /** Unique within its data set (DeepPCB `20085000`, VOC `BloodImage_00001`, a review id, ...). */
  readonly id: string;
  readonly image: ImageRef;
  /** The aligned defect-free template of the same part, when the feed has one. */
  readonly template?: ImageRef;
  /** Ground truth in original image pixels. Empty for a sample known to have no object. */
  readonly boxes: readonly SampleBox[];
  /** Which data set or process produced the sample: `deeppcb`, `voc`, `manifest`, `synthetic:factory`. */
  readonly source: string;
  /** A grouping for stratified splits: DeepPCB's board group, a production line, a generator. */
  readonly group?: string;
  /** Image size when the annotation states it (VOC `<size>`, manifests, generators). */
  readonly width?: number;
  readonly height?: number;
}

/** An annotation line or record that was skipped instead of failing a long run. */
export interface SkippedAnnotation {
  /** `path:line` (or `path` alone for a whole-file problem). */
  readonly location: string;
  readonly reason: string;
}

/** A loaded data set: its class vocabulary (index = class id) and samples. */
export interface LabelledDataset {
  readonly name: string;
  readonly classes: readonly string[];
  readonly samples: readonly LabelledSample[];
  /** Lines or records skipped under `onInvalid: 'skip'`; empty under `'error'`. */
  readonly skipped: readonly SkippedAnnotation[];
}

/** What a loader does with a malformed annotation: fail with file:line, or skip it and count. */
export type InvalidAnnotationPolicy = 'error' | 'skip';

/** DeepPCB defect classes in the order of the data set's type ids 1..6. */
export const DEEPPCB_CLASSES = ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole'] as const;
export type DeepPcbClass = (typeof DEEPPCB_CLASSES)[number];

/** BCCD blood-cell classes (Pascal VOC `object/name`). */
export const BCCD_CLASSES = ['RBC', 'WBC', 'Platelets'] as const;

/** Synthetic factory-surface defects. */
export const FACTORY_CLASSES = ['scratch', 'dent', 'stain', 'hole'] as const;

/** Synthetic road-scene objects. */
export const DRIVING_CLASSES = ['car', 'truck', 'pedestrian'] as const;

/** Synthetic cell smears use BCCD's vocabulary, so a model can move between the two. */
export const CELL_SMEAR_CLASSES = BCCD_CLASSES;

/** The class vocabulary of each known feed. */
export const DATASET_CLASSES = {
  deeppcb: DEEPPCB_CLASSES,
  bccd: BCCD_CLASSES,
  factory: FACTORY_CLASSES,
  medical: CELL_SMEAR_CLASSES,
  driving: DRIVING_CLASSES,
  pcb: DEEPPCB_CLASSES,
} as const satisfies Record<string, readonly string[]>;
