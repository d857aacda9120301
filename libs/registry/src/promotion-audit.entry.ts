import type { NewAuditEntry, Promotion } from '@argus/persistence';

/** The audit actions the registry writes: one per kind of move of a production pointer. */
export const PromotionAuditActions = { promotion: 'model.promoted', rollback: 'model.rolled-back' } as const;

/**
 * The audit entry of a move of the line's production pointer (actor: who moved it); with the
 * override's reason when it put a candidate that failed its gates into production.
 */
export function promotionAuditEntry(promotion: Promotion, gateOverride?: { readonly reason: string }): NewAuditEntry {
  return {
    actor: promotion.promotedBy,
    action: PromotionAuditActions[promotion.kind],
    subjectType: 'production_line',
    subjectId: promotion.lineId,
    before: { modelVersionId: promotion.fromVersionId },
    after: {
      modelVersionId: promotion.toVersionId,
      promotionId: promotion.id,
      reason: promotion.reason,
      ...(gateOverride ? { gateOverride: { reason: gateOverride.reason } } : {}),
    },
  };
}
