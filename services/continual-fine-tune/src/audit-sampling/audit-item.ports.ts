import type { AlertKind, AuditFacts } from '@argus/persistence';
import type { Detection } from '@argus/contracts';

/** A line's alert threshold: the lowest min-score of its alert rules; null when it has no rules (or no line). */
export interface LineAlertThresholds {
  thresholdFor(lineId: string): Promise<number | null>;
}

export interface AuditItemToStore {
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly modelVersionId: string;
  readonly detections: readonly Detection[];
  readonly audit: AuditFacts;
}

/** Where audit items live (the alert table, kind `audit`) and the frame facts the sampler needs. */
export interface AuditItemStore {
  /** The frame's content hash, or null when this installation stores no such frame. */
  frameHash(frameId: string): Promise<string | null>;
  /** The line's open audit items, counted no further than `upTo`. */
  countOpen(lineId: string, upTo: number): Promise<number>;
  /** Stores it unless the frame has an alert row from this model version; `kind` is the stored row's. */
  createOnce(item: AuditItemToStore): Promise<{ readonly id: string; readonly created: boolean; readonly kind: AlertKind }>;
}
