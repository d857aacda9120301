import { Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { AuditUnknownFrameError } from '../continual.errors';
import type { SampleAuditItemUseCase } from './sample-audit-item.use-case';

export const AUDIT_GROUP_ID = 'continual-fine-tune.audit';

/**
 * Consumes `inspection.detections.produced.v1` in its own group: each scored frame may become an
 * audit item. A malformed event is dead-lettered by the bus with the schema's reason; a frame this
 * installation does not store is dead-lettered with `audit.unknown-frame`; any other failure is
 * retried by the bus and then dead-lettered, never acknowledged unrecorded.
 */
export async function subscribeAuditSampling(
  bus: MessageBus,
  useCase: Pick<SampleAuditItemUseCase, 'execute'>,
  groupId: string = AUDIT_GROUP_ID,
): Promise<Subscription> {
  return bus.subscribe(Topics.detectionsProduced, {
    groupId,
    retry: { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 5_000 },
    handler: async (event) => {
      try {
        await useCase.execute(event);
      } catch (error) {
        if (error instanceof AuditUnknownFrameError) throw new NonRetryableError(error.message, { code: error.code, cause: error });
        throw error;
      }
    },
  });
}
