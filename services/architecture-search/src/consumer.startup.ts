import type { TopicContract } from '@argus/contracts';
import type { MessageBus, Subscription } from '@argus/messaging';
import { type Logger, RetryingStartupTask, ShutdownOrder, type ShutdownRegistry } from '@argus/platform';

/**
 * Starts a role's consumers in the background, retried until Kafka answers: the topics it reads and
 * writes, its subscriptions (made once, whatever the retries), the bus, then `afterStart` (the
 * controller re-publishes what a crash may have left unpublished). On shutdown, `beforeStop` first
 * (a worker interrupts its trial, which is redelivered), then the subscriptions stop.
 */
export function startConsumers(
  name: string,
  deps: { readonly bus: MessageBus; readonly logger: Logger; readonly registry: ShutdownRegistry },
  topics: readonly TopicContract[],
  subscribe: () => Promise<Subscription[]>,
  hooks: { readonly afterStart?: () => Promise<void>; readonly beforeStop?: () => void } = {},
): RetryingStartupTask {
  const { bus, logger, registry } = deps;
  let subscriptions: Subscription[] | undefined;
  let started = false;
  const startup = new RetryingStartupTask(
    `start ${name}`,
    async () => {
      await bus.ensureTopics(topics);
      subscriptions ??= await subscribe();
      await bus.start();
      if (!started) await hooks.afterStart?.();
      started = true;
    },
    { logger },
  );
  registry.register({
    name,
    order: ShutdownOrder.stopConsuming,
    close: async () => {
      hooks.beforeStop?.();
      await startup.stop();
      for (const subscription of subscriptions ?? []) await subscription.stop();
    },
  });
  void startup.start();
  return startup;
}
