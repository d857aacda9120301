import { Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { UnknownSearchError, UnknownTrialError } from '../search.errors';
import type { SearchControllerLoop } from './search-controller.loop';

const RETRY = { attempts: 5, initialBackoffMs: 500, maxBackoffMs: 10_000 };

/**
 * The controller's consumers, one group on three topics. Failures around a step (Postgres, Kafka)
 * are retried, then dead-lettered with the reason. An answer naming a search or trial that was
 * never recorded is dead-lettered at once: trials are recorded before they are requested, so it
 * never will be. A cancel naming an unknown search is retried first (its search's request may be
 * handled a moment later: another topic, no order between them).
 */
export async function subscribeSearchController(
  bus: MessageBus,
  loop: Pick<SearchControllerLoop, 'start' | 'cancel' | 'answer'>,
  groupId: string,
): Promise<Subscription[]> {
  return [
    await bus.subscribe(Topics.searchRequested, { groupId, retry: RETRY, handler: (request) => loop.start(request) }),
    await bus.subscribe(Topics.searchCancelRequested, { groupId, retry: RETRY, handler: (command) => loop.cancel(command) }),
    await bus.subscribe(Topics.searchTrialCompleted, {
      groupId,
      retry: RETRY,
      handler: async (answer) => {
        try {
          await loop.answer(answer);
        } catch (error) {
          if (error instanceof UnknownSearchError || error instanceof UnknownTrialError) {
            throw new NonRetryableError(error.message, { cause: error });
          }
          throw error;
        }
      },
    }),
  ];
}
