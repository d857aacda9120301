import { deterministicEventId } from '@argus/messaging';
import type { AlertRepository, FrameRepository } from '@argus/persistence';
import type { AuditItemStore, AuditItemToStore } from './audit-item.ports';

/** Audit items as alert rows of kind `audit` (AlertRepository), the frame's hash from FrameRepository. */
export class PostgresAuditItemStore implements AuditItemStore {
  constructor(
    private readonly alerts: Pick<AlertRepository, 'createAuditItemOnce' | 'countOpenAuditItems'>,
    private readonly frames: Pick<FrameRepository, 'findById'>,
  ) {}

  async frameHash(frameId: string): Promise<string | null> {
    return (await this.frames.findById(frameId))?.sha256 ?? null;
  }

  countOpen(lineId: string, upTo: number): Promise<number> {
    return this.alerts.countOpenAuditItems(lineId, upTo);
  }

  async createOnce(item: AuditItemToStore) {
    const { alert, created } = await this.alerts.createAuditItemOnce({
      // The same id on every instance and redelivery; distinct from detection-inference's alert ids.
      id: deterministicEventId('audit-item', item.frameId, item.modelVersionId),
      ...item,
    });
    return { id: alert.id, created, kind: alert.kind };
  }
}
