import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import { ArchitectureSearchRepository, repositoryProviders } from '@argus/persistence';
import { LOGGER, type Logger, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import type { ArchitectureSearchEnv } from '../config';
import { startConsumers } from '../consumer.startup';
import { LibrarySearchEngineFactory } from './library-search-engine.factory';
import { PostgresSearchStore } from './postgres-search.store';
import { subscribeSearchController } from './search-controller.consumers';
import { SearchControllerLoop } from './search-controller.loop';

const CONTROLLER_STARTUP = Symbol('CONTROLLER_STARTUP');

/**
 * The controller role: consumes search requests, cancels and trial answers in the group
 * ARGUS_SEARCH_CONTROLLER_GROUP_ID, steps each search's engine (@argus/search) with its state in
 * Postgres, and publishes trial requests, progress (also on a timer, every
 * ARGUS_SEARCH_PROGRESS_INTERVAL_MS) and the end. Once its consumers run, it re-publishes the
 * trials of running searches that no worker started (what a controller killed between saving and
 * publishing left behind). `imports` must export MESSAGE_BUS and DATABASE.
 */
@Module({})
export class SearchControllerModule {
  static register(config: ArchitectureSearchEnv, imports: DynamicModule[]): DynamicModule {
    return {
      module: SearchControllerModule,
      imports,
      providers: [
        ...repositoryProviders(ArchitectureSearchRepository),
        {
          provide: SearchControllerLoop,
          inject: [ArchitectureSearchRepository, MESSAGE_BUS, LOGGER],
          useFactory: (searches: ArchitectureSearchRepository, bus: MessageBus, logger: Logger) =>
            new SearchControllerLoop({
              store: new PostgresSearchStore(searches),
              engines: new LibrarySearchEngineFactory(),
              bus,
              logger: logger.child({ component: 'search-controller' }),
            }),
        },
        {
          provide: CONTROLLER_STARTUP,
          inject: [MESSAGE_BUS, SearchControllerLoop, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, loop: SearchControllerLoop, logger: Logger, registry: ShutdownRegistry) => {
            let ticking = false;
            const timer = setInterval(() => {
              if (ticking) return;
              ticking = true;
              // A tick that fails (Postgres, Kafka away) is only late: the next one steps the searches again.
              loop
                .tick()
                .catch((error: unknown) => logger.warn({ err: error }, 'search progress tick failed; the next one retries'))
                .finally(() => (ticking = false));
            }, config.ARGUS_SEARCH_PROGRESS_INTERVAL_MS);
            timer.unref();
            registry.register({
              name: 'search-progress-timer',
              order: ShutdownOrder.stopConsuming,
              close: async () => clearInterval(timer),
            });
            return startConsumers(
              'search-controller',
              { bus, logger, registry },
              [
                Topics.searchRequested,
                Topics.searchCancelRequested,
                Topics.searchTrialCompleted,
                Topics.searchTrialRequested,
                Topics.searchProgress,
                Topics.searchCompleted,
              ],
              () => subscribeSearchController(bus, loop, config.ARGUS_SEARCH_CONTROLLER_GROUP_ID),
              { afterStart: async () => void (await loop.resume()) },
            );
          },
        },
      ],
    };
  }
}
