import { Topics } from '@argus/contracts';
import { deterministicEventId, type MessageBus } from '@argus/messaging';
import { type AuditLogRepository, type ModelRegistryRepository, ModelVersionNotFoundError, type Promotion } from '@argus/persistence';
import { promotionAuditEntry } from './promotion-audit.entry';
import {
  assertCanRollBack,
  assertCanServeLine,
  assertGatesAllowPromotion,
  type GateOverride,
  needsGateOverride,
  promotionMove,
  rollbackMove,
} from './production-pointer.rules';

export interface PromotionResult {
  readonly promotion: Promotion;
  /** False when the version was already in production on the line: nothing was written. */
  readonly changed: boolean;
}

/** The registry reads and writes a move needs, inside the line's locked transaction. */
export interface PromotionTransaction {
  readonly registry: Pick<
    ModelRegistryRepository,
    'findVersion' | 'servingRequirements' | 'productionEntry' | 'promotionEntry' | 'movePointer'
  >;
  readonly audit: Pick<AuditLogRepository, 'append'>;
}

/** The registry as promotions use it (`ModelRegistryRepository` is one). */
export interface PromotionStore {
  withLineLocked<T>(lineId: string, work: (tx: PromotionTransaction) => Promise<T>): Promise<T>;
  productionEntry: ModelRegistryRepository['productionEntry'];
  promotionEntry: ModelRegistryRepository['promotionEntry'];
}

/**
 * Promotion and rollback of a line's production model. With the line locked, it checks the move
 * against the registry's rules (`production-pointer.rules.ts`), writes the move and its audit entry
 * in that one transaction; once it has COMMITTED, `model.version.promoted.v1` is published (keyed by
 * line) so every inference instance switches. If the publish fails the pointer has still moved:
 * the caller sees the error, and inference instances pick the new pointer up when their cached
 * pointer expires (ARGUS_INFER_MODEL_POINTER_TTL_MS).
 */
export class ModelPromotionService {
  constructor(
    private readonly registry: PromotionStore,
    private readonly bus: Pick<MessageBus, 'publish'>,
    private readonly topic: typeof Topics.modelPromoted = Topics.modelPromoted,
  ) {}

  /**
   * Puts `modelVersionId` into production on the line. Promoting the current version changes nothing.
   * A candidate that failed its gates needs `options.gateOverride` (its reason goes into the audit entry).
   */
  async promote(
    lineId: string,
    modelVersionId: string,
    by: string,
    reason: string,
    options: { readonly gateOverride?: GateOverride } = {},
  ): Promise<PromotionResult> {
    const result = await this.registry.withLineLocked(lineId, async ({ registry, audit }) => {
      const target = await registry.findVersion(modelVersionId);
      if (!target) throw new ModelVersionNotFoundError(modelVersionId);
      assertCanServeLine(lineId, target, await registry.servingRequirements(lineId));
      assertGatesAllowPromotion(lineId, target, options.gateOverride);
      const current = await registry.productionEntry(lineId);
      const decided = promotionMove(lineId, current, target, by, reason);
      if ('unchanged' in decided) return { promotion: decided.unchanged.promotion, changed: false };
      const promotion = await registry.movePointer(decided.move);
      await audit.append(promotionAuditEntry(promotion, needsGateOverride(target) ? options.gateOverride : undefined));
      return { promotion, changed: true };
    });
    if (result.changed) await this.announce(result.promotion);
    return result;
  }

  /** Returns the line to the version that was in production before the current one was promoted. */
  async rollback(lineId: string, by: string, reason: string): Promise<PromotionResult> {
    const result = await this.registry.withLineLocked(lineId, async ({ registry, audit }) => {
      const current = await registry.productionEntry(lineId);
      assertCanRollBack(lineId, current);
      const restored = await registry.promotionEntry(current.previousPromotionId);
      const promotion = await registry.movePointer(rollbackMove(lineId, current, restored, by, reason));
      await audit.append(promotionAuditEntry(promotion));
      return { promotion, changed: true };
    });
    await this.announce(result.promotion);
    return result;
  }

  /**
   * The version a rollback of the line would restore; null when the line has no production model
   * or its current one was its first.
   */
  async rollbackTargetOf(lineId: string): Promise<string | null> {
    const current = await this.registry.productionEntry(lineId);
    if (!current || current.previousPromotionId === null) return null;
    return (await this.registry.promotionEntry(current.previousPromotionId)).promotion.toVersionId;
  }

  private async announce(promotion: Promotion): Promise<void> {
    await this.bus.publish(this.topic, {
      eventId: deterministicEventId('model-promoted', promotion.id),
      occurredAt: promotion.promotedAt.toISOString(),
      promotionId: promotion.id,
      lineId: promotion.lineId,
      modelVersionId: promotion.toVersionId,
      previousModelVersionId: promotion.fromVersionId,
      promotedBy: promotion.promotedBy,
      reason: promotion.reason,
      kind: promotion.kind,
    });
  }
}
