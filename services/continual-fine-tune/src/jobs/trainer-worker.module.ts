import * as path from 'node:path';
import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import { ModelRegistryRepository, repositoryProviders, ShadowModelRepository, TrainingJobRepository } from '@argus/persistence';
import { DEFAULT_FIRST_MODEL_GATE_POLICY } from '@argus/registry';
import { LOGGER, type Logger, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import type { ContinualFineTuneEnv } from '../config';
import { VisionCandidateGate } from '../gates/vision-candidate.gate';
import { startConsumer } from '../consumer.startup';
import { PostgresTrainingJobLedger } from '../postgres/postgres-training-job.ledger';
import { SERVICE_VERSION } from '../service.identity';
import { StartShadowUseCase } from '../shadow/start-shadow.use-case';
import { ObjectStoreRunFolders } from './object-store-run-folders';
import { PublishingCandidateRegistrar } from './publishing-candidate.registrar';
import { ThreadCandidateTrainer } from './thread-candidate.trainer';
import type { TrainerStoreLocation } from './trainer-store.location';
import type { CandidateTrainer } from './training-job.ports';
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
 * the worker keeps its partitions. With ARGUS_FINETUNE_TRAIN_IN_THREAD on (the default) the
 * fine-tune runs in a worker thread (ThreadCandidateTrainer), which opens its own store at
 * `store` (the same bucket as OBJECT_STORE), so training never holds up this process's event loop;
 * off, it runs on the main thread. A job interrupted by a shutdown (which terminates the thread) or
 * a crash stays uncommitted, is redelivered and resumes from its last checkpoint; the ledger makes
 * sure it ends once.
 */
@Module({})
export class TrainerWorkerModule {
  static register(config: ContinualFineTuneEnv, imports: DynamicModule[], store: TrainerStoreLocation): DynamicModule {
    return {
      module: TrainerWorkerModule,
      imports,
      providers: [
        ...repositoryProviders(TrainingJobRepository, ModelRegistryRepository, ShadowModelRepository),
        {
          provide: TrainingJobRunner,
          inject: [
            TrainingJobRepository,
            ModelRegistryRepository,
            ShadowModelRepository,
            OBJECT_STORE,
            MESSAGE_BUS,
            LOGGER,
            ShutdownRegistry,
          ],
          useFactory: (
            jobs: TrainingJobRepository,
            registry: ModelRegistryRepository,
            shadows: ShadowModelRepository,
            objects: ObjectStore,
            bus: MessageBus,
            logger: Logger,
            shutdown: ShutdownRegistry,
          ) => {
            const log = logger.child({ component: 'trainer' });
            const settings = {
              validationShare: config.ARGUS_FINETUNE_VALIDATION_SHARE,
              progressEverySeconds: Math.max(1, Math.floor(config.ARGUS_FINETUNE_PROGRESS_INTERVAL_MS / 1000)),
              argusVersion: SERVICE_VERSION,
            };
            let trainer: CandidateTrainer;
            if (config.ARGUS_FINETUNE_TRAIN_IN_THREAD) {
              const threads = new ThreadCandidateTrainer({ store, settings, logger: log, niceness: config.ARGUS_FINETUNE_TRAIN_NICE });
              // With the consumers: a job in flight is left to be redelivered, its thread's CPU freed at once.
              shutdown.register({ name: 'trainer-thread', order: ShutdownOrder.stopConsuming, close: () => threads.close() });
              trainer = threads;
            } else {
              trainer = new VisionCandidateTrainer(objects, settings, log);
            }
            return new TrainingJobRunner(
              {
                ledger: new PostgresTrainingJobLedger(jobs),
                runFolders: new ObjectStoreRunFolders(objects),
                trainer,
                gate: new VisionCandidateGate(objects, {
                  policy: {
                    maxClassDropPoints: config.ARGUS_FINETUNE_GATE_MAX_CLASS_DROP,
                    minClassInstances: config.ARGUS_FINETUNE_GATE_MIN_CLASS_INSTANCES,
                    minNewDataGainPoints: config.ARGUS_FINETUNE_GATE_MIN_GAIN,
                    maxLatencyRatio: config.ARGUS_FINETUNE_GATE_MAX_LATENCY_RATIO,
                  },
                  firstModelPolicy: {
                    ...DEFAULT_FIRST_MODEL_GATE_POLICY,
                    minAp: config.ARGUS_ADAPT_GATE_MIN_AP,
                    minEvaluationFrames: config.ARGUS_ADAPT_GATE_MIN_EVALUATION_FRAMES,
                  },
                  validationShare: config.ARGUS_FINETUNE_VALIDATION_SHARE,
                  parentValidationLimit: config.ARGUS_FINETUNE_GATE_PARENT_VALIDATION_FRAMES,
                  servingBatch: config.ARGUS_FINETUNE_SERVING_BATCH,
                  servingThreads: config.ARGUS_FINETUNE_SERVING_THREADS,
                  latencyRounds: config.ARGUS_FINETUNE_GATE_LATENCY_ROUNDS,
                }),
                registrar: new PublishingCandidateRegistrar(objects, registry),
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
