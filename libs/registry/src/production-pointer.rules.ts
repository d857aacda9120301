import type { LineServingRequirements, ModelVersion, PointerMove, ProductionEntry } from '@argus/persistence';
import {
  CandidateGatesFailedError,
  ModelIncompatibleWithLineError,
  NoPreviousModelVersionError,
  NoProductionModelError,
} from './registry.errors';

/**
 * A version can serve a line when the line has the golden template the version needs, and the
 * version detects at least one class the line's alert rules name (rules on `*` only: any classes).
 * Throws `ModelIncompatibleWithLineError` saying why not.
 */
export function assertCanServeLine(lineId: string, version: ModelVersion, line: LineServingRequirements): void {
  if (version.usesTemplate && !line.hasTemplate) {
    throw new ModelIncompatibleWithLineError(lineId, version, 'it compares each frame with a golden template and the line has none');
  }
  const named = [...line.alertRuleClasses];
  if (named.length > 0 && !named.some((c) => version.classes.includes(c))) {
    throw new ModelIncompatibleWithLineError(
      lineId,
      version,
      `it detects ${version.classes.join(', ')} and the line's alert rules name ${named.sort().join(', ')}: none would ever alert`,
    );
  }
}

/** Why someone promotes a version despite its failed gates (an admin's decision; the caller checks the role). */
export interface GateOverride {
  readonly reason: string;
}

/**
 * A candidate that failed its gates (metric `gatesPassed` = 0) is promoted only with an override.
 * A version without the metric (trained outside the loop) was never gated: nothing to refuse.
 */
export function assertGatesAllowPromotion(lineId: string, version: ModelVersion, override: GateOverride | undefined): void {
  if (version.metrics['gatesPassed'] === 0 && !override) throw new CandidateGatesFailedError(lineId, version);
}

/** True when the promotion of `version` needs (and so records) a gate override. */
export function needsGateOverride(version: ModelVersion): boolean {
  return version.metrics['gatesPassed'] === 0;
}

/**
 * The move that puts `target` into production on the line, or `unchanged` when it is already there
 * (promoting the current version changes nothing). Stack-wise, the entry now in production goes
 * beneath the new one, so a rollback returns to it.
 */
export function promotionMove(
  lineId: string,
  current: ProductionEntry | null,
  target: ModelVersion,
  promotedBy: string,
  reason: string,
): { readonly unchanged: ProductionEntry } | { readonly move: PointerMove } {
  if (current?.promotion.toVersionId === target.id) return { unchanged: current };
  const move: PointerMove = {
    lineId,
    fromVersionId: current?.promotion.toVersionId ?? null,
    toVersionId: target.id,
    kind: 'promotion',
    promotedBy,
    reason,
    previousPromotionId: current?.promotion.id ?? null,
  };
  return { move };
}

/** An entry in production with one beneath it: what a rollback can return to. */
export type RollbackableEntry = ProductionEntry & { readonly previousPromotionId: string };

/**
 * A rollback restores the entry beneath the one in production (the version in production before
 * the current one was promoted). Throws when the line has no production model, or when its current
 * one was its first.
 */
export function assertCanRollBack(lineId: string, current: ProductionEntry | null): asserts current is RollbackableEntry {
  if (!current) throw new NoProductionModelError(lineId);
  if (current.previousPromotionId === null) throw new NoPreviousModelVersionError(lineId);
}

/**
 * The move that returns the line to `restored`. The restored state sits where the restored entry
 * sat, so repeated rollbacks walk further back (A → B → C, rollback → B, rollback → A).
 */
export function rollbackMove(
  lineId: string,
  current: ProductionEntry,
  restored: ProductionEntry,
  promotedBy: string,
  reason: string,
): PointerMove {
  return {
    lineId,
    fromVersionId: current.promotion.toVersionId,
    toVersionId: restored.promotion.toVersionId,
    kind: 'rollback',
    promotedBy,
    reason,
    previousPromotionId: restored.previousPromotionId,
  };
}
