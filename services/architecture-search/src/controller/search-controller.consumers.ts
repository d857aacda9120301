import { Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { SearchError, SearchErrorCodes } from '@argus/search';
import { UnknownSearchError, UnknownTrialError } from '../search.errors';
import type { SearchControllerLoop } from './search-controller.loop';

const RETRY = { attempts: 5, initialBackoffMs: 500, maxBackoffMs: 10_000 };

/** The controller's consumer group on each of its topics (the bus takes one topic per group): `<prefix>.requests`, `.cancels`, `.answers`. */
export function controllerGroups(prefix: string): { requests: string; cancels: string; answers: string } {
  return { requests: `${prefix}.requests`, cancels: `${prefix}.cancels`, answers: `${prefix}.answers` };
}

/**
 * The controller's consumers, a group per topic (controllerGroups). Failures around a step (Postgres, Kafka)
 * are retried, then dead-lettered with the reason. An answer naming a search or trial that was
 * never recorded is dead-lettered at once: trials are recorded before they are requested, so it
 * never will be. A cancel naming an unknown search is retried first (its search's request may be
 * handled a moment later: another topic, no order between them). An answer whose measurement
 * the engine cannot score (AP outside [0, 1], latency not positive) changed nothing and never will:
 * dead-lettered at once.
 */
export async function subscribeSearchController(
  bus: MessageBus,
  loop: Pick<SearchControllerLoop, 'start' | 'cancel' | 'answer'>,
  groupPrefix: string,
): Promise<Subscription[]> {
  const groups = controllerGroups(groupPrefix);
  return [
    await bus.subscribe(Topics.searchRequested, { groupId: groups.requests, retry: RETRY, handler: (request) => loop.start(request) }),
    await bus.subscribe(Topics.searchCancelRequested, {
      groupId: groups.cancels,
      retry: RETRY,
      handler: (command) => loop.cancel(command),
    }),
    await bus.subscribe(Topics.searchTrialCompleted, {
      groupId: groups.answers,
      retry: RETRY,
      handler: async (answer) => {
        try {
          await loop.answer(answer);
        } catch (error) {
          if (error instanceof UnknownSearchError || error instanceof UnknownTrialError || isUnscorable(error)) {
            throw new NonRetryableError(error.message, { cause: error });
          }
          throw error;
        }
      },
    }),
  ];
}

function isUnscorable(error: unknown): error is SearchError {
  return error instanceof SearchError && error.code === SearchErrorCodes.invalidMeasurement;
}
