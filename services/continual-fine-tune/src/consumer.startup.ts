import type { TopicContract } from '@argus/contracts';
import type { MessageBus, Subscription } from '@argus/messaging';
import { type Logger, RetryingStartupTask, ShutdownOrder, type ShutdownRegistry } from '@argus/platform';

/**
 * Starts a consumer in the background, retried until Kafka answers: the topics it reads and
 * writes, its subscription (made once, whatever the retries), then the bus. On shutdown it stops
 * with the consumers (an in-flight message finishes and is committed).
 */
export function startConsumer(
  name: string,
  deps: { readonly bus: MessageBus; readonly logger: Logger; readonly registry: ShutdownRegistry },
  topics: readonly TopicContract[],
  subscribe: () => Promise<Subscription>,
): RetryingStartupTask {
  const { bus, logger, registry } = deps;
  let subscription: Subscription | undefined;
  const startup = new RetryingStartupTask(
    `start ${name}`,
    async () => {
      await bus.ensureTopics(topics);
      subscription ??= await subscribe();
      await bus.start();
    },
    { logger },
  );
  registry.register({
    name,
    order: ShutdownOrder.stopConsuming,
    close: async () => {
      await startup.stop();
      await subscription?.stop();
    },
  });
  void startup.start();
  return startup;
}
