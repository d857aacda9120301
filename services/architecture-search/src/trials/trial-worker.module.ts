import * as os from 'node:os';
import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import { ArchitectureSearchRepository, repositoryProviders } from '@argus/persistence';
import { LOGGER, type Logger, ShutdownRegistry } from '@argus/platform';
import { selectTfBackend } from '@argus/vision';
import type { ArchitectureSearchEnv } from '../config';
import { startConsumers } from '../consumer.startup';
import { LibraryTrialEvaluator } from './library-trial.evaluator';
import { subscribeTrialRequests } from './trial-requested.consumer';
import { TrialRunner } from './trial.runner';

const WORKER_STARTUP = Symbol('WORKER_STARTUP');

/**
 * The worker role: one trial at a time from search.trial.requested.v1 in the group
 * ARGUS_SEARCH_WORKERS_GROUP_ID, trained and measured by @argus/search's evaluator on the main
 * thread at nice ARGUS_SEARCH_WORKER_NICE (the trainer yields to the event loop every step, so the
 * group heartbeats go on). On shutdown the running trial stops at its next step and is left
 * unacknowledged, for the group's next worker. `imports` must export MESSAGE_BUS and DATABASE.
 */
@Module({})
export class TrialWorkerModule {
  static register(config: ArchitectureSearchEnv, imports: DynamicModule[]): DynamicModule {
    return {
      module: TrialWorkerModule,
      imports,
      providers: [
        ...repositoryProviders(ArchitectureSearchRepository),
        {
          provide: TrialRunner,
          inject: [ArchitectureSearchRepository, MESSAGE_BUS, LOGGER],
          useFactory: (searches: ArchitectureSearchRepository, bus: MessageBus, logger: Logger) => {
            const log = logger.child({ component: 'trial-worker', workerId: config.ARGUS_SEARCH_WORKER_ID });
            return new TrialRunner(
              {
                ledger: searches,
                evaluator: new LibraryTrialEvaluator({
                  dataRoot: config.ARGUS_SEARCH_DATA_ROOT,
                  syntheticScenes: config.ARGUS_SEARCH_SYNTHETIC_SCENES,
                  syntheticSize: config.ARGUS_SEARCH_SYNTHETIC_SIZE,
                  latencySeconds: config.ARGUS_SEARCH_LATENCY_SECONDS,
                  log: (line) => log.debug(line),
                }),
                bus,
                logger: log,
              },
              config.ARGUS_SEARCH_WORKER_ID,
            );
          },
        },
        {
          provide: WORKER_STARTUP,
          inject: [MESSAGE_BUS, TrialRunner, LOGGER, ShutdownRegistry],
          useFactory: async (bus: MessageBus, runner: TrialRunner, logger: Logger, registry: ShutdownRegistry) => {
            // Its choice and any fallback go to this service's log (its default writes to stderr).
            const backend = await selectTfBackend({ logger: { info: (o, m) => logger.debug(o, m), warn: (o, m) => logger.warn(o, m) } });
            const nice = applyNice(config.ARGUS_SEARCH_WORKER_NICE);
            logger.info({ workerId: config.ARGUS_SEARCH_WORKER_ID, backend: backend.choice, nice }, 'trial worker: one trial at a time');
            return startConsumers(
              'trial-worker',
              { bus, logger, registry },
              [Topics.searchTrialRequested, Topics.searchTrialCompleted],
              async () => [await subscribeTrialRequests(bus, runner, config.ARGUS_SEARCH_WORKERS_GROUP_ID)],
              { beforeStop: () => runner.stop() },
            );
          },
        },
      ],
    };
  }
}

/** Lowers this thread's priority (Linux: the main thread, where trials train); the value in force after. */
function applyNice(nice: number): number {
  if (nice > 0 && os.getPriority(0) < nice) {
    try {
      os.setPriority(0, nice);
    } catch {
      // Not permitted here (some containers): the trials train at the priority the process has.
    }
  }
  return os.getPriority(0);
}
