import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus, PIPELINE_HEALTH, type PipelineHealthReader } from '@argus/messaging';
import { InspectionStatsRepository, LineRepository, ModelRegistryRepository, repositoryProviders } from '@argus/persistence';
import { LOGGER, type Logger, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import { ModelPromotionService } from '@argus/registry';
import { DashboardController } from '../dashboard/dashboard.controller';
import { DashboardService } from '../dashboard/dashboard.service';
import { LineOverviewService } from '../lines/line-overview.service';
import { LinesController } from '../lines/lines.controller';
import { LinePromotionsService } from '../promotions/line-promotions.service';
import { PromotionsController } from '../promotions/promotions.controller';
import { ModelCatalogService } from './model-catalog.service';
import { ModelsController } from './models.controller';
import { TrainingRecordReader } from './training-record.reader';

export interface ModelGovernanceModuleOptions {
  /** Modules exporting DATABASE, MESSAGE_BUS, PIPELINE_HEALTH and OBJECT_STORE. */
  readonly imports: DynamicModule[];
}

const PROMOTION_TOPIC_SETUP = Symbol('PROMOTION_TOPIC_SETUP');

/** The ML engineers' pages and the dashboard: models, comparison, promotions, lines, pipeline health. */
@Module({})
export class ModelGovernanceModule {
  static register(options: ModelGovernanceModuleOptions): DynamicModule {
    return {
      module: ModelGovernanceModule,
      imports: options.imports,
      controllers: [ModelsController, PromotionsController, LinesController, DashboardController],
      providers: [
        ...repositoryProviders(ModelRegistryRepository, InspectionStatsRepository, LineRepository),
        { provide: TrainingRecordReader, inject: [OBJECT_STORE], useFactory: (store: ObjectStore) => new TrainingRecordReader(store) },
        {
          provide: ModelPromotionService,
          inject: [ModelRegistryRepository, MESSAGE_BUS],
          useFactory: (registry: ModelRegistryRepository, bus: MessageBus) => new ModelPromotionService(registry, bus),
        },
        {
          provide: ModelCatalogService,
          inject: [ModelRegistryRepository, InspectionStatsRepository, TrainingRecordReader],
          useFactory: (registry: ModelRegistryRepository, stats: InspectionStatsRepository, records: TrainingRecordReader) =>
            new ModelCatalogService(registry, stats, records),
        },
        {
          provide: LinePromotionsService,
          inject: [LineRepository, ModelRegistryRepository, ModelPromotionService],
          useFactory: (lines: LineRepository, registry: ModelRegistryRepository, promotions: ModelPromotionService) =>
            new LinePromotionsService(lines, registry, promotions),
        },
        {
          provide: LineOverviewService,
          inject: [LineRepository, ModelRegistryRepository],
          useFactory: (lines: LineRepository, registry: ModelRegistryRepository) => new LineOverviewService(lines, registry),
        },
        {
          provide: DashboardService,
          inject: [LineOverviewService, InspectionStatsRepository, PIPELINE_HEALTH],
          useFactory: (lines: LineOverviewService, stats: InspectionStatsRepository, pipeline: PipelineHealthReader) =>
            new DashboardService(lines, stats, pipeline),
        },
        {
          provide: PROMOTION_TOPIC_SETUP,
          inject: [MESSAGE_BUS, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, logger: Logger, registry: ShutdownRegistry) => {
            const setup = new RetryingStartupTask('create topic model-promoted', () => bus.ensureTopics([Topics.modelPromoted]), { logger });
            registry.register({ name: 'promotion-topic-setup', order: ShutdownOrder.stopConsuming, close: () => setup.stop() });
            void setup.start();
            return setup;
          },
        },
      ],
    };
  }
}
