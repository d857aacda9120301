import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus, PIPELINE_HEALTH, type PipelineHealthReader } from '@argus/messaging';
import { DATABASE, type Database, InspectionStatsRepository, LineRepository, ModelRegistryRepository } from '@argus/persistence';
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
        {
          provide: ModelCatalogService,
          inject: [DATABASE, OBJECT_STORE],
          useFactory: (db: Database, store: ObjectStore) =>
            new ModelCatalogService(new ModelRegistryRepository(db), new InspectionStatsRepository(db), new TrainingRecordReader(store)),
        },
        {
          provide: LinePromotionsService,
          inject: [DATABASE, MESSAGE_BUS],
          useFactory: (db: Database, bus: MessageBus) => {
            const registry = new ModelRegistryRepository(db);
            return new LinePromotionsService(new LineRepository(db), registry, new ModelPromotionService(registry, bus));
          },
        },
        {
          provide: LineOverviewService,
          inject: [DATABASE],
          useFactory: (db: Database) => new LineOverviewService(new LineRepository(db), new ModelRegistryRepository(db)),
        },
        {
          provide: DashboardService,
          inject: [LineOverviewService, DATABASE, PIPELINE_HEALTH],
          useFactory: (lines: LineOverviewService, db: Database, pipeline: PipelineHealthReader) =>
            new DashboardService(lines, new InspectionStatsRepository(db), pipeline),
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
