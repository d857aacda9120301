import { Topics } from '@argus/contracts';
import { deterministicEventId, type MessageBus } from '@argus/messaging';
import type { ModelRegistryRepository, Promotion, PromotionResult } from '@argus/persistence';

/**
 * Promotion and rollback of a line's production model: the registry moves the pointer, appends the
 * history and the audit entry in one transaction; once it has COMMITTED, `model.version.promoted.v1`
 * is published (keyed by line) so every inference instance switches. If the publish fails the
 * pointer has still moved: the caller sees the error, and inference instances pick the new pointer
 * up when their cached pointer expires (ARGUS_INFER_MODEL_POINTER_TTL_MS).
 */
export class ModelPromotionService {
  constructor(
    private readonly registry: Pick<ModelRegistryRepository, 'promote' | 'rollback'>,
    private readonly bus: Pick<MessageBus, 'publish'>,
    private readonly topic: typeof Topics.modelPromoted = Topics.modelPromoted,
  ) {}

  async promote(lineId: string, modelVersionId: string, by: string, reason: string): Promise<PromotionResult> {
    const result = await this.registry.promote(lineId, modelVersionId, by, reason);
    if (result.changed) await this.announce(result.promotion);
    return result;
  }

  async rollback(lineId: string, by: string, reason: string): Promise<PromotionResult> {
    const result = await this.registry.rollback(lineId, by, reason);
    if (result.changed) await this.announce(result.promotion);
    return result;
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
