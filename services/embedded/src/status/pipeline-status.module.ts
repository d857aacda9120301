import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus, PIPELINE_HEALTH, type PipelineHealthReader } from '@argus/messaging';
import { DATABASE, type Database, ModelRegistryRepository } from '@argus/persistence';
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
        {
          provide: PIPELINE_STATUS,
          inject: [MESSAGE_BUS, PIPELINE_HEALTH, DATABASE, ShutdownRegistry],
          useFactory: async (bus: MessageBus, health: PipelineHealthReader, db: Database, registry: ShutdownRegistry) => {
            const monitor = new PipelineStatusMonitor(bus, new ModelRegistryRepository(db), new StoredTotalsQuery(db), health);
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
