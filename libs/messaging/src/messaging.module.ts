import { type DynamicModule, Module } from '@nestjs/common';
import { LOGGER, type Logger, type ReadinessCheck, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import type { KafkaConfig } from './kafka.config';
import { KafkaMessageBusAdapter } from './kafka/kafka-message-bus.adapter';
import type { MessageBus } from './message-bus.port';
import type { PipelineHealthReader } from './pipeline-health.port';

/** The Kafka message bus (`MessageBus`). */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
/** The bus's `PipelineHealthReader` (consumer lag, dead-letter counts), for dashboards. */
export const PIPELINE_HEALTH = Symbol('PIPELINE_HEALTH');
/** The bus's `ReadinessCheck` ("kafka"), for `HealthModule.register({ checks })`. */
export const MESSAGE_BUS_READINESS = Symbol('MESSAGE_BUS_READINESS');

/**
 * The Kafka message bus of a service, for Nest: `MESSAGE_BUS` and its readiness check
 * `MESSAGE_BUS_READINESS`. The bus connects on first use; on shutdown it stops any subscription
 * still running, then flushes and disconnects the producer (`ShutdownOrder.flushProducer`).
 * Needs `LOGGER` and `ShutdownRegistry`, which `bootstrapService` provides globally. Build it once
 * per process and import the same module wherever it is needed.
 */
@Module({})
export class MessagingModule {
  static forRoot(config: KafkaConfig): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: MESSAGE_BUS,
          inject: [LOGGER, ShutdownRegistry],
          useFactory: (logger: Logger, registry: ShutdownRegistry): MessageBus => {
            const bus = new KafkaMessageBusAdapter({ config, logger: logger.child({ component: 'messaging' }) });
            registry.register({ name: 'message-bus', order: ShutdownOrder.flushProducer, close: () => bus.stop() });
            return bus;
          },
        },
        {
          provide: PIPELINE_HEALTH,
          inject: [MESSAGE_BUS],
          useFactory: (bus: KafkaMessageBusAdapter): PipelineHealthReader => bus,
        },
        {
          provide: MESSAGE_BUS_READINESS,
          inject: [MESSAGE_BUS],
          useFactory: (bus: MessageBus): ReadinessCheck => bus.readinessCheck(),
        },
      ],
      exports: [MESSAGE_BUS, MESSAGE_BUS_READINESS, PIPELINE_HEALTH],
    };
  }
}
