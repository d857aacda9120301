import { type DynamicModule, Module } from '@nestjs/common';
import { LOGGER, type Logger, type ReadinessCheck, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { createDataSource } from './data-source.factory';
import type { Database } from './database';
import type { DatabaseConfig } from './database.config';
import { databaseReadinessCheck } from './database-readiness.check';

/** The service's `Database`, its pool opened in the background: what repositories are built on. */
export const DATABASE = Symbol('DATABASE');
/** The database's `ReadinessCheck` ("postgres"), for `HealthModule.register({ checks })`. */
export const DATABASE_READINESS = Symbol('DATABASE_READINESS');

interface DatabaseConnection {
  readonly dataSource: Database;
  readonly readiness: ReadinessCheck;
}
const CONNECTION = Symbol('DATABASE_CONNECTION');

/**
 * The Postgres database of a service, for Nest: `DATABASE` and its readiness check
 * `DATABASE_READINESS`. The pool opens in the background, with backoff, once Postgres answers;
 * until then the readiness check says why not. Shutdown cancels a pending attempt and closes the
 * pool (`ShutdownOrder.closeDatabase`). Needs `LOGGER` and `ShutdownRegistry`, which
 * `bootstrapService` provides globally. Build it once per process and import the same module
 * wherever it is needed.
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: CONNECTION,
          inject: [LOGGER, ShutdownRegistry],
          useFactory: (logger: Logger, registry: ShutdownRegistry): DatabaseConnection => {
            const dataSource = createDataSource(config);
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
        { provide: DATABASE, inject: [CONNECTION], useFactory: (connection: DatabaseConnection) => connection.dataSource },
        { provide: DATABASE_READINESS, inject: [CONNECTION], useFactory: (connection: DatabaseConnection) => connection.readiness },
      ],
      exports: [DATABASE, DATABASE_READINESS],
    };
  }
}
