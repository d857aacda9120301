import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import {
  AuditLogRepository,
  DATABASE,
  type Database,
  DatasetVersionRepository,
  LineLearningPolicyRepository,
  LineRepository,
  ModelRegistryRepository,
  repositoryProviders,
  ShadowStatsQuery,
  TrainingJobRepository,
} from '@argus/persistence';
import { LOGGER, type Logger, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import { sseGroupId } from '../alerts/alert-stream.service';
import { CandidatePageService } from './candidate-page.service';
import { CandidatesController } from './candidates.controller';
import { DatasetCatalogService } from './dataset-catalog.service';
import { DatasetsController } from './datasets.controller';
import { LearningPolicyController } from './learning-policy.controller';
import { LearningPolicyUseCase } from './learning-policy.use-case';
import { TrainingJobsController } from './training-jobs.controller';
import { TrainingJobsUseCase } from './training-jobs.use-case';
import { TrainingStreamService } from './training-stream.service';

export interface ContinualTrainingModuleOptions {
  /** Modules exporting DATABASE, MESSAGE_BUS and OBJECT_STORE. */
  readonly imports: DynamicModule[];
  readonly settings?: { readonly sseGroupId?: string; readonly pingIntervalMs?: number };
}

const TRIGGER_TOPIC_SETUP = Symbol('TRIGGER_TOPIC_SETUP');

/** The continual fine-tune loop's pages: data set versions, jobs (live, cancel, trigger now), candidates, a line's learning policy. */
@Module({})
export class ContinualTrainingModule {
  static register(options: ContinualTrainingModuleOptions): DynamicModule {
    return {
      module: ContinualTrainingModule,
      imports: options.imports,
      controllers: [DatasetsController, TrainingJobsController, CandidatesController, LearningPolicyController],
      providers: [
        ...repositoryProviders(
          LineRepository,
          DatasetVersionRepository,
          TrainingJobRepository,
          ModelRegistryRepository,
          AuditLogRepository,
          ShadowStatsQuery,
        ),
        {
          provide: DatasetCatalogService,
          inject: [LineRepository, DatasetVersionRepository, OBJECT_STORE],
          useFactory: (lines: LineRepository, versions: DatasetVersionRepository, store: ObjectStore) =>
            new DatasetCatalogService(lines, versions, store),
        },
        {
          provide: TrainingJobsUseCase,
          inject: [LineRepository, TrainingJobRepository, AuditLogRepository, MESSAGE_BUS],
          useFactory: (lines: LineRepository, jobs: TrainingJobRepository, audit: AuditLogRepository, bus: MessageBus) =>
            new TrainingJobsUseCase(lines, jobs, audit, bus),
        },
        {
          provide: LearningPolicyUseCase,
          inject: [DATABASE, LineRepository],
          useFactory: (db: Database, lines: LineRepository) =>
            // Built on the transaction of each change, so the policy and its audit entry commit together.
            new LearningPolicyUseCase(db, lines, {
              policies: (handle) => new LineLearningPolicyRepository(handle),
              audit: (handle) => new AuditLogRepository(handle),
            }),
        },
        {
          provide: CandidatePageService,
          inject: [ModelRegistryRepository, TrainingJobRepository, DatasetVersionRepository, OBJECT_STORE, ShadowStatsQuery],
          useFactory: (
            registry: ModelRegistryRepository,
            jobs: TrainingJobRepository,
            datasets: DatasetVersionRepository,
            store: ObjectStore,
            shadows: ShadowStatsQuery,
          ) => new CandidatePageService(registry, jobs, datasets, store, shadows),
        },
        {
          provide: TrainingStreamService,
          inject: [MESSAGE_BUS, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, logger: Logger, registry: ShutdownRegistry) => {
            const stream = new TrainingStreamService(bus, {
              groupId: `${options.settings?.sseGroupId ?? sseGroupId()}-training`,
              logger,
              ...(options.settings?.pingIntervalMs ? { pingIntervalMs: options.settings.pingIntervalMs } : {}),
            });
            registry.register({ name: 'training-stream', order: ShutdownOrder.stopConsuming, close: () => stream.stop() });
            void stream.start();
            return stream;
          },
        },
        {
          // trigger-requested and its .dlq exist before the first "trigger now" is published.
          provide: TRIGGER_TOPIC_SETUP,
          inject: [MESSAGE_BUS, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, logger: Logger, registry: ShutdownRegistry) => {
            const setup = new RetryingStartupTask(
              'create topic training-trigger-requested',
              () => bus.ensureTopics([Topics.trainingTriggerRequested]),
              {
                logger,
              },
            );
            registry.register({ name: 'training-trigger-topic-setup', order: ShutdownOrder.stopConsuming, close: () => setup.stop() });
            void setup.start();
            return setup;
          },
        },
      ],
    };
  }
}
