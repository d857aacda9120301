import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus, PIPELINE_HEALTH, type PipelineHealthReader } from '@argus/messaging';
import { DATABASE, type Database, ModelRegistryRepository, repositoryProviders } from '@argus/persistence';
import { ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { PipelineStatusMonitor } from './pipeline-status.monitor';
import { StoredTotalsQuery } from './stored-totals.query';

export const PIPELINE_STATUS = Symbol('PIPELINE_STATUS');

/** The status monitor (its own consumer groups, the stored totals, the bus's dead-letter counts), started with the application, stopped first on shutdown. */
@Module({})
export class PipelineStatusModule {
  static register(imports: DynamicModule[]): DynamicModule {
    return {
      module: PipelineStatusModule,
      imports,
      providers: [
        ...repositoryProviders(ModelRegistryRepository),
        { provide: StoredTotalsQuery, inject: [DATABASE], useFactory: (db: Database) => new StoredTotalsQuery(db) },
        {
          provide: PIPELINE_STATUS,
          inject: [MESSAGE_BUS, PIPELINE_HEALTH, ModelRegistryRepository, StoredTotalsQuery, ShutdownRegistry],
          useFactory: async (
            bus: MessageBus,
            health: PipelineHealthReader,
            models: ModelRegistryRepository,
            totals: StoredTotalsQuery,
            registry: ShutdownRegistry,
          ) => {
            const monitor = new PipelineStatusMonitor(bus, models, totals, health);
            await monitor.start();
            registry.register({ name: 'pipeline-status', order: ShutdownOrder.stopConsuming, close: () => monitor.stop() });
            return monitor;
          },
        },
      ],
      exports: [PIPELINE_STATUS],
    };
  }
}
