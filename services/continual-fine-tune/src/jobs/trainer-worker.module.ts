import * as path from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import { ModelRegistryRepository, repositoryProviders, ShadowModelRepository, TrainingJobRepository } from '@argus/persistence';
import { LOGGER, type Logger, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import type { ContinualFineTuneEnv } from '../config';
import { VisionCandidateGate } from '../gates/vision-candidate.gate';
import { startConsumer } from '../consumer.startup';
import { PostgresTrainingJobLedger } from '../postgres/postgres-training-job.ledger';
import { SERVICE_VERSION } from '../service.identity';
import { StartShadowUseCase } from '../shadow/start-shadow.use-case';
import { ObjectStoreRunFolders } from './object-store-run-folders';
import { PublishingCandidateRegistrar } from './publishing-candidate.registrar';
import { subscribeTrainingJobs } from './training-job-requested.consumer';
import { TrainingJobRunner } from './training-job.runner';
import { VisionCandidateTrainer } from './vision-candidate.trainer';

const TRAINER_STARTUP = Symbol('TRAINER_STARTUP');

/**
 * A trainer worker: takes `training.job.requested.v1` jobs from the group
 * ARGUS_FINETUNE_TRAINERS_GROUP_ID, one at a time (concurrency 1), and runs each with the real
 * adapters: the vision fine-tune, the gates as detection-inference serves, the registrar, run
 * folders in the object store and the ledger in Postgres. `imports` must export MESSAGE_BUS,
 * OBJECT_STORE and DATABASE.
 *
 * A job runs for minutes: the Kafka subscription sends group heartbeats while its handler runs, so
 * the worker keeps its partitions. A job interrupted by a shutdown or a crash stays uncommitted, is
 * redelivered and resumes from its last checkpoint; the ledger makes sure it ends once.
 */
@Module({})
export class TrainerWorkerModule {
  static register(config: ContinualFineTuneEnv, imports: DynamicModule[]): DynamicModule {
    return {
      module: TrainerWorkerModule,
      imports,
      providers: [
        ...repositoryProviders(TrainingJobRepository, ModelRegistryRepository, ShadowModelRepository),
        {
          provide: TrainingJobRunner,
          inject: [TrainingJobRepository, ModelRegistryRepository, ShadowModelRepository, OBJECT_STORE, MESSAGE_BUS, LOGGER],
          useFactory: (
            jobs: TrainingJobRepository,
            registry: ModelRegistryRepository,
            shadows: ShadowModelRepository,
            store: ObjectStore,
            bus: MessageBus,
            logger: Logger,
          ) => {
            const log = logger.child({ component: 'trainer' });
            return new TrainingJobRunner(
              {
                ledger: new PostgresTrainingJobLedger(jobs),
                runFolders: new ObjectStoreRunFolders(store),
                trainer: new VisionCandidateTrainer(
                  store,
                  {
                    validationShare: config.ARGUS_FINETUNE_VALIDATION_SHARE,
                    progressEverySeconds: Math.max(1, Math.floor(config.ARGUS_FINETUNE_PROGRESS_INTERVAL_MS / 1000)),
                    argusVersion: SERVICE_VERSION,
                  },
                  log,
                ),
                gate: new VisionCandidateGate(store, {
                  policy: {
                    maxClassDropPoints: config.ARGUS_FINETUNE_GATE_MAX_CLASS_DROP,
                    minNewDataGainPoints: config.ARGUS_FINETUNE_GATE_MIN_GAIN,
                    maxLatencyRatio: config.ARGUS_FINETUNE_GATE_MAX_LATENCY_RATIO,
                  },
                  validationShare: config.ARGUS_FINETUNE_VALIDATION_SHARE,
                  parentValidationLimit: config.ARGUS_FINETUNE_GATE_PARENT_VALIDATION_FRAMES,
                  servingBatch: config.ARGUS_FINETUNE_SERVING_BATCH,
                  servingThreads: config.ARGUS_FINETUNE_SERVING_THREADS,
                  latencyRounds: config.ARGUS_FINETUNE_GATE_LATENCY_ROUNDS,
                }),
                registrar: new PublishingCandidateRegistrar(store, registry),
                shadow: new StartShadowUseCase(shadows, bus),
                bus,
                logger: log,
              },
              {
                workerId: config.ARGUS_FINETUNE_WORKER_ID,
                workRoot: path.resolve(config.ARGUS_FINETUNE_WORK_DIR),
                progressIntervalMs: config.ARGUS_FINETUNE_PROGRESS_INTERVAL_MS,
                cancelPollMs: config.ARGUS_FINETUNE_CANCEL_POLL_MS,
              },
            );
          },
        },
        {
          provide: TRAINER_STARTUP,
          inject: [MESSAGE_BUS, TrainingJobRunner, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, runner: TrainingJobRunner, logger: Logger, registry: ShutdownRegistry) =>
            startConsumer(
              'trainer-worker',
              { bus, logger, registry },
              [
                Topics.trainingJobRequested,
                Topics.trainingJobProgress,
                Topics.trainingJobCompleted,
                Topics.trainingJobFailed,
                Topics.modelRegistered,
                Topics.modelShadowed,
              ],
              () => subscribeTrainingJobs(bus, runner, config.ARGUS_FINETUNE_TRAINERS_GROUP_ID),
            ),
        },
      ],
    };
  }
}
