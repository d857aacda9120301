import { Topics } from '@argus/contracts';
import type { MessageBus, MessagingLogger, Subscription } from '@argus/messaging';
import type { ProductionModelCatalog } from './production-model.catalog';

/**
 * Every inference instance must see every promotion, so each consumes `model.version.promoted.v1`
 * in a group of its own (`detection-inference-models-<instance id>`), from the latest offset: at
 * start-up the catalog reads the pointers from Postgres anyway. The handler preloads the new
 * version and then switches the line's pointer; batches started after that use it.
 */
export class ModelPromotedConsumer {
  constructor(
    private readonly bus: Pick<MessageBus, 'subscribe'>,
    private readonly catalog: Pick<ProductionModelCatalog, 'onPromoted'>,
    private readonly options: { readonly instanceId: string; readonly topic?: typeof Topics.modelPromoted; readonly logger: MessagingLogger },
  ) {}

  static groupIdFor(instanceId: string): string {
    return `detection-inference-models-${instanceId}`;
  }

  subscribe(): Promise<Subscription> {
    return this.bus.subscribe(this.options.topic ?? Topics.modelPromoted, {
      groupId: ModelPromotedConsumer.groupIdFor(this.options.instanceId),
      fromBeginning: false,
      retry: { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 5_000 },
      handler: async (event) => {
        const model = await this.catalog.onPromoted(event.lineId);
        this.options.logger.info(
          { lineId: event.lineId, kind: event.kind, announced: event.modelVersionId, serving: model?.id ?? null, model: model ? `${model.name} ${model.version}` : null },
          'production model switched (from the next batch on)',
        );
      },
    });
  }
}
