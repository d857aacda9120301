import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS, ObjectStoreModule } from '@argus/storage';
import type { ContinualFineTuneConfig } from './config';

/**
 * continual-fine-tune: turns operators' reviews into training data, fine-tunes detectors and registers the new model versions.
 *
 * No domain logic yet. This module is only the wiring: configuration, the adapters for
 * kafka, s3, postgres, `/health/live` and `/health/ready`, and the ordered shutdown. Later issues add
 * the features as modules imported here.
 */
@Module({})
export class ContinualFineTuneModule {
  static register(config: ContinualFineTuneConfig): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const objectStore = ObjectStoreModule.forRoot(config.s3);
    const database = DatabaseModule.forRoot(config.database);
    const adapters = [messaging, objectStore, database];
    return {
      module: ContinualFineTuneModule,
      imports: [
        ...adapters,
        HealthModule.register({
          imports: adapters,
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
