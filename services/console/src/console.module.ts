import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS, ObjectStoreModule } from '@argus/storage';
import type { ConsoleConfig } from './config';
import type { Clock } from './identity/clock';
import { ConsoleFeaturesModule } from './console-features.module';

/**
 * console: the operators' web console: alerts to review, models to promote or roll back, lines and cameras.
 *
 * Wiring only: the adapters for Kafka, Postgres and S3, the console's features on them
 * (`ConsoleFeaturesModule`, which the embedded mode composes too), `/health/live` and `/health/ready`.
 */
@Module({})
export class ConsoleModule {
  static register(config: ConsoleConfig, overrides: { clock?: Clock } = {}): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const database = DatabaseModule.forRoot(config.database);
    const objectStore = ObjectStoreModule.forRoot(config.s3);
    const adapters = [messaging, database, objectStore];
    return {
      module: ConsoleModule,
      imports: [
        ...adapters,
        ConsoleFeaturesModule.register({ env: config, adapters, ...overrides }),
        HealthModule.register({
          imports: adapters,
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
