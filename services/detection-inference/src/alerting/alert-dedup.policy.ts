import type { Detection } from '@argus/contracts';
import { boxIou } from '@argus/vision';
import type { QualifyingDetection } from './alert-rule.evaluator';

/** An alert raised earlier on the same camera: when its frame was captured, and what it cited. */
export interface EarlierAlert {
  readonly frameId: string;
  readonly capturedAt: Date;
  readonly detections: readonly Detection[];
}

export interface DedupSettings {
  /** 0 turns dedup off. */
  readonly windowSeconds: number;
  /** Two boxes are "the same location" when their IoU is at least this (0 < minIou ≤ 1). */
  readonly minIou: number;
}

export const DEFAULT_DEDUP_MIN_IOU = 0.3;

/**
 * The exact dedup rule. A qualifying detection of a frame captured at `t` is a duplicate when an
 * alert of the same camera, on a DIFFERENT frame captured in [t − window, t], cited a detection of
 * the same class whose box has IoU ≥ minIou with it. Duplicates raise nothing; the rest (if any)
 * raise the alert. Times are capture times (not processing times), so a redelivered frame gets
 * the same answer as the first time, and alerts are compared with alerts (not with suppressed
 * detections): a defect that stays in view is reported again once per window.
 *
 * `earlier` may hold more than the window (the caller's query bounds it too): filtered here.
 */
export function withoutDuplicates(
  candidates: readonly QualifyingDetection[],
  frame: { readonly frameId: string; readonly capturedAt: Date },
  earlier: readonly EarlierAlert[],
  settings: DedupSettings,
): QualifyingDetection[] {
  if (settings.windowSeconds <= 0 || candidates.length === 0) return [...candidates];
  const t = frame.capturedAt.getTime();
  const from = t - settings.windowSeconds * 1000;
  const inWindow = earlier.filter((a) => a.frameId !== frame.frameId && a.capturedAt.getTime() >= from && a.capturedAt.getTime() <= t);
  return candidates.filter(
    ({ detection }) =>
      !inWindow.some((alert) =>
        alert.detections.some((cited) => cited.className === detection.className && boxIou(cited.box, detection.box) >= settings.minIou),
      ),
  );
}
