import * as path from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus, type Subscription } from '@argus/messaging';
import {
  ArchitectureSearchRepository,
  ModelRegistryRepository,
  repositoryProviders,
  SearchCandidateLineageRepository,
} from '@argus/persistence';
import { LOGGER, type Logger, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import { SERVICE_VERSION } from '../service.identity';
import type { FullTrainingEnvFields } from './full-training.config';
import { PublishingCandidatePackagePublisher } from './publishing-candidate-package.publisher';
import { RunFullTrainingUseCase } from './run-full-training.use-case';
import { subscribeSearchTrainingRequests } from './search-training-requested.consumer';
import { VisionCandidateMeasurer } from './vision-candidate.measurer';
import { VisionSpecTrainer } from './vision-spec.trainer';

type FullTrainingEnv = { readonly [K in keyof typeof FullTrainingEnvFields]: ReturnType<(typeof FullTrainingEnvFields)[K]['parse']> };

const FULL_TRAINING_STARTUP = Symbol('FULL_TRAINING_STARTUP');

/**
 * Full training of a search's chosen trial into a registered candidate: consumes
 * search.training.requested.v1 in its own group, one request at a time. `imports` must export
 * MESSAGE_BUS, OBJECT_STORE and DATABASE. With ARGUS_SEARCH_FULL_TRAINING off the module is empty.
 */
@Module({})
export class FullTrainingModule {
  static register(config: FullTrainingEnv, imports: DynamicModule[]): DynamicModule {
    if (!config.ARGUS_SEARCH_FULL_TRAINING) return { module: FullTrainingModule };
    // Set at shutdown, before the subscription stops: a training in progress stops at its next step
    // and its request is left unacknowledged for redelivery, instead of holding the shutdown up.
    const shutdownRequested = { value: false };
    return {
      module: FullTrainingModule,
      imports,
      providers: [
        ...repositoryProviders(ModelRegistryRepository, SearchCandidateLineageRepository, ArchitectureSearchRepository),
        {
          provide: RunFullTrainingUseCase,
          inject: [
            ModelRegistryRepository,
            SearchCandidateLineageRepository,
            ArchitectureSearchRepository,
            OBJECT_STORE,
            MESSAGE_BUS,
            LOGGER,
          ],
          useFactory: (
            registry: ModelRegistryRepository,
            lineage: SearchCandidateLineageRepository,
            searches: ArchitectureSearchRepository,
            store: ObjectStore,
            bus: MessageBus,
            logger: Logger,
          ) =>
            new RunFullTrainingUseCase(
              {
                trainer: new VisionSpecTrainer({
                  maxMinutes: config.ARGUS_SEARCH_FULL_TRAINING_MAX_MINUTES,
                  progressEverySeconds: config.ARGUS_SEARCH_FULL_TRAINING_PROGRESS_SECONDS,
                  syntheticImages: config.ARGUS_SEARCH_FULL_TRAINING_SYNTHETIC_IMAGES,
                  argusVersion: SERVICE_VERSION,
                }),
                measurer: new VisionCandidateMeasurer(store, {
                  servingBatch: config.ARGUS_SEARCH_GATE_SERVING_BATCH,
                  servingThreads: config.ARGUS_SEARCH_GATE_SERVING_THREADS,
                  latencyRounds: config.ARGUS_SEARCH_GATE_LATENCY_ROUNDS,
                }),
                publisher: new PublishingCandidatePackagePublisher(store, registry),
                lineage,
                searches,
                registry,
                bus,
                logger: logger.child({ component: 'full-training' }),
              },
              {
                gatePolicy: {
                  maxClassDropPoints: config.ARGUS_SEARCH_GATE_MAX_CLASS_DROP,
                  minClassInstances: config.ARGUS_SEARCH_GATE_MIN_CLASS_INSTANCES,
                  maxLatencyRatio: config.ARGUS_SEARCH_GATE_MAX_LATENCY_RATIO,
                },
                defaultEpochs: config.ARGUS_SEARCH_FULL_TRAINING_EPOCHS,
                workRoot: path.resolve(config.ARGUS_SEARCH_FULL_TRAINING_WORK_DIR),
                shouldStop: () => shutdownRequested.value,
                progressEveryMs: config.ARGUS_SEARCH_FULL_TRAINING_PROGRESS_SECONDS * 1000,
              },
            ),
        },
        {
          provide: FULL_TRAINING_STARTUP,
          inject: [MESSAGE_BUS, RunFullTrainingUseCase, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, useCase: RunFullTrainingUseCase, logger: Logger, shutdown: ShutdownRegistry) => {
            let subscription: Subscription | undefined;
            // Retried until Kafka answers; the subscription is made once, whatever the retries.
            const startup = new RetryingStartupTask(
              'start full-training worker',
              async () => {
                await bus.ensureTopics([Topics.searchTrainingRequested, Topics.modelRegistered]);
                subscription ??= await subscribeSearchTrainingRequests(bus, useCase, config.ARGUS_SEARCH_FULL_TRAINING_GROUP_ID);
                await bus.start();
              },
              { logger },
            );
            shutdown.register({
              name: 'full-training worker',
              order: ShutdownOrder.stopConsuming,
              close: async () => {
                shutdownRequested.value = true;
                await startup.stop();
                await subscription?.stop();
              },
            });
            void startup.start();
            return startup;
          },
        },
      ],
    };
  }
}
