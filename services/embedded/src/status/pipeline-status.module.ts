import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import { DATABASE, type DatabaseHandle, ModelRegistryRepository } from '@argus/persistence';
import { ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { PipelineStatusMonitor } from './pipeline-status.monitor';

export const PIPELINE_STATUS = Symbol('PIPELINE_STATUS');

/** The status monitor (its own consumer groups), started with the application, stopped first on shutdown. */
@Module({})
export class PipelineStatusModule {
  static register(imports: DynamicModule[]): DynamicModule {
    return {
      module: PipelineStatusModule,
      imports,
      providers: [
        {
          provide: PIPELINE_STATUS,
          inject: [MESSAGE_BUS, DATABASE, ShutdownRegistry],
          useFactory: async (bus: MessageBus, db: DatabaseHandle, registry: ShutdownRegistry) => {
            const monitor = new PipelineStatusMonitor(bus, new ModelRegistryRepository(db));
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
