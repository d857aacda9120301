import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaMessageBusAdapter, type MessageBus } from '@argus/messaging';
import {
  LOGGER,
  type Logger,
  READINESS_CHECKS,
  type ReadinessCheck,
  ShutdownOrder,
  ShutdownRegistry,
} from '@argus/platform';
import type { ArchitectureSearchConfig } from '../config';

/** The Kafka message bus (`MessageBus` from @argus/messaging). */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');

/**
 * The adapters architecture-search talks to its dependencies through (kafka), each closed at
 * its place in the shutdown sequence, and `READINESS_CHECKS`: ready means every one of them answers.
 * Build it once per process (`register` returns a new module instance each call).
 */
@Module({})
export class InfrastructureModule {
  static register(config: ArchitectureSearchConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        {
          provide: MESSAGE_BUS,
          inject: [LOGGER, ShutdownRegistry],
          useFactory: (logger: Logger, registry: ShutdownRegistry): MessageBus => {
            const bus = new KafkaMessageBusAdapter({
              config: config.kafka,
              logger: logger.child({ component: 'messaging' }),
            });
            // Stops any subscription still running, then flushes and disconnects the producer.
            registry.register({ name: 'message-bus', order: ShutdownOrder.flushProducer, close: () => bus.stop() });
            return bus;
          },
        },
        {
          provide: READINESS_CHECKS,
          inject: [MESSAGE_BUS],
          useFactory: (bus: MessageBus): ReadinessCheck[] => [
            bus.readinessCheck(),
          ],
        },
      ],
      exports: [MESSAGE_BUS, READINESS_CHECKS],
    };
  }
}
