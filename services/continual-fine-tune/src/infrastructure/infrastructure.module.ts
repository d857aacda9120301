import { type DynamicModule, Module } from '@nestjs/common';
import { KafkaMessageBusAdapter, type MessageBus } from '@argus/messaging';
import { createDataSource, databaseReadinessCheck } from '@argus/persistence';
import {
  LOGGER,
  type Logger,
  READINESS_CHECKS,
  type ReadinessCheck,
  RetryingStartupTask,
  ShutdownOrder,
  ShutdownRegistry,
} from '@argus/platform';
import { MinioObjectStore, type ObjectStore } from '@argus/storage';
import type { ContinualFineTuneConfig } from '../config';

/** The Kafka message bus (`MessageBus` from @argus/messaging). */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
/** The object store bound to the frames bucket (`ObjectStore` from @argus/storage). */
export const OBJECT_STORE = Symbol('OBJECT_STORE');
/** The TypeORM DataSource, initialized in the background (see `DatabaseConnection`). */
export const DATABASE = Symbol('DATABASE');

/** The DataSource and a readiness check that also reports why the pool is not open yet. */
export interface DatabaseConnection {
  readonly dataSource: ReturnType<typeof createDataSource>;
  readonly readiness: ReadinessCheck;
}

/**
 * The adapters continual-fine-tune talks to its dependencies through (kafka, s3, postgres), each closed at
 * its place in the shutdown sequence, and `READINESS_CHECKS`: ready means every one of them answers.
 * Build it once per process (`register` returns a new module instance each call).
 */
@Module({})
export class InfrastructureModule {
  static register(config: ContinualFineTuneConfig): DynamicModule {
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
          provide: OBJECT_STORE,
          inject: [LOGGER, ShutdownRegistry],
          useFactory: (logger: Logger, registry: ShutdownRegistry): ObjectStore => {
            const store = new MinioObjectStore(config.s3);
            // The bucket is created once S3 answers; until then the s3 readiness check reports it missing.
            const bucketSetup = new RetryingStartupTask(`create bucket ${store.bucket}`, () => store.ensureBucket(), { logger });
            registry.register({
              name: 'bucket-setup',
              order: ShutdownOrder.stopConsuming,
              close: () => bucketSetup.stop(),
            });
            void bucketSetup.start();
            return store;
          },
        },
        {
          provide: DATABASE,
          inject: [LOGGER, ShutdownRegistry],
          useFactory: (logger: Logger, registry: ShutdownRegistry): DatabaseConnection => {
            const dataSource = createDataSource(config.database);
            // The pool opens once Postgres answers; until then the postgres readiness check says why not.
            const connect = new RetryingStartupTask('open database pool', async () => void (await dataSource.initialize()), {
              logger,
            });
            registry.register({
              name: 'database',
              order: ShutdownOrder.closeDatabase,
              close: async () => {
                await connect.stop();
                if (dataSource.isInitialized) await dataSource.destroy();
              },
            });
            void connect.start();
            const ready = databaseReadinessCheck(dataSource);
            return {
              dataSource,
              readiness: {
                name: ready.name,
                check: async () => {
                  connect.assertDone();
                  await ready.check();
                },
              },
            };
          },
        },
        {
          provide: READINESS_CHECKS,
          inject: [MESSAGE_BUS, OBJECT_STORE, DATABASE],
          useFactory: (bus: MessageBus, store: ObjectStore, database: DatabaseConnection): ReadinessCheck[] => [
            bus.readinessCheck(),
            store.readinessCheck(),
            database.readiness,
          ],
        },
      ],
      exports: [MESSAGE_BUS, OBJECT_STORE, DATABASE, READINESS_CHECKS],
    };
  }
}
