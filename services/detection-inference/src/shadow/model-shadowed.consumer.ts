import { Topics } from '@argus/contracts';
import type { MessageBus, MessagingLogger, Subscription } from '@argus/messaging';
import type { ShadowModelCatalog } from './shadow-model.catalog';

/**
 * Every inference instance must see every shadow change (each scores its own frames), so each
 * consumes `model.version.shadowed.v1` in a group of its own (`detection-inference-shadows-<instance
 * id>`), from the latest offset: the catalog reads the pointers from Postgres anyway. The handler
 * reads the line's shadow again and preloads it; the next production batch offers its frames to it.
 */
export class ModelShadowedConsumer {
  constructor(
    private readonly bus: Pick<MessageBus, 'subscribe'>,
    private readonly catalog: Pick<ShadowModelCatalog, 'onChanged'>,
    private readonly options: {
      readonly instanceId: string;
      readonly topic?: typeof Topics.modelShadowed;
      readonly logger: MessagingLogger;
    },
  ) {}

  static groupIdFor(instanceId: string): string {
    return `detection-inference-shadows-${instanceId}`;
  }

  subscribe(): Promise<Subscription> {
    return this.bus.subscribe(this.options.topic ?? Topics.modelShadowed, {
      groupId: ModelShadowedConsumer.groupIdFor(this.options.instanceId),
      fromBeginning: false,
      retry: { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 5_000 },
      handler: async (event) => {
        const model = await this.catalog.onChanged(event.lineId);
        this.options.logger.info(
          {
            lineId: event.lineId,
            announced: event.modelVersionId,
            previous: event.previousShadowVersionId,
            shadow: model?.id ?? null,
            model: model ? `${model.name} ${model.version}` : null,
            setBy: event.setBy,
          },
          model ? 'shadow model set (scored beside production from the next batch on)' : 'shadow model ended',
        );
      },
    });
  }
}
