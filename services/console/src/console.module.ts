import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import type { ConsoleConfig } from './config';

/**
 * console: the operators' web console: alerts to review, models to promote or roll back, lines and cameras.
 *
 * No domain logic yet. This module is only the wiring: configuration, the adapters for
 * kafka, postgres, `/health/live` and `/health/ready`, and the ordered shutdown. Later issues add
 * the features as modules imported here.
 */
@Module({})
export class ConsoleModule {
  static register(config: ConsoleConfig): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const database = DatabaseModule.forRoot(config.database);
    const adapters = [messaging, database];
    return {
      module: ConsoleModule,
      imports: [
        ...adapters,
        HealthModule.register({
          imports: adapters,
          checks: [MESSAGE_BUS_READINESS, DATABASE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
