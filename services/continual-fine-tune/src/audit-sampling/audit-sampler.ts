import { createHash } from 'node:crypto';

/**
 * A detector that misses a defect raises no alert, so nobody looks at that frame and the miss never
 * becomes training data. The audit sample sends some frames without an alert to the review queue
 * as audit items: those whose best score fell just under the line's alert threshold (the likeliest
 * misses), and a small random share of the rest (misses the model is confidently wrong about).
 */
export interface AuditPolicy {
  /** Share of frames without an alert sampled at random, in [0, 1]. */
  readonly noAlertShare: number;
  /** A frame whose best score is in [threshold − margin, threshold) is always audited. */
  readonly nearThresholdMargin: number;
  /** Open audit items per line beyond which no new ones are made (an unreviewed pile helps no one). */
  readonly maxOpenItems: number;
}

export const DEFAULT_AUDIT_POLICY: AuditPolicy = { noAlertShare: 0.02, nearThresholdMargin: 0.15, maxOpenItems: 200 };

export interface ScoredFrame {
  readonly frameId: string;
  readonly lineId: string;
  readonly sha256: string;
  /** The frame raised an alert: operators see it anyway. */
  readonly alerted: boolean;
  /** The highest detection score of the frame, any class, or null when the model found nothing. */
  readonly bestScore: number | null;
  /** The line's alert threshold (the lowest min-score of its alert rules). */
  readonly threshold: number;
}

export type AuditReason = 'near-threshold' | 'random';

export interface AuditDecision {
  readonly frameId: string;
  readonly reason: AuditReason;
  /** In [0, 1]: 1 at the threshold, 0 for a frame with no detection; the queue is ranked by it. */
  readonly uncertainty: number;
}

/** Whether a scored frame becomes an audit item (null: it does not). Deterministic per frame. */
export function sampleForAudit(frame: ScoredFrame, policy: AuditPolicy, openItems: number): AuditDecision | null {
  if (frame.alerted || openItems >= policy.maxOpenItems) return null;
  const score = frame.bestScore ?? 0;
  const uncertainty = frame.threshold > 0 ? clamp01(1 - Math.abs(frame.threshold - score) / frame.threshold) : 0;
  if (frame.bestScore !== null && score < frame.threshold && score >= frame.threshold - policy.nearThresholdMargin) {
    return { frameId: frame.frameId, reason: 'near-threshold', uncertainty };
  }
  // By content hash, so a redelivered frame gets the same answer and the share holds per line.
  if (samplePosition(frame.lineId, frame.sha256) < policy.noAlertShare) {
    return { frameId: frame.frameId, reason: 'random', uncertainty };
  }
  return null;
}

/** Most uncertain first; ties oldest first (the order they were made). */
export function rankAuditItems<T extends { readonly uncertainty: number; readonly createdAt: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.uncertainty - a.uncertainty || Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

function samplePosition(lineId: string, sha256: string): number {
  return createHash('sha256').update(`argus-audit:${lineId}:${sha256.toLowerCase()}`).digest().readUInt32BE(0) / 2 ** 32;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
