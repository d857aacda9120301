import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS, ObjectStoreModule } from '@argus/storage';
import type { CameraIngestConfig } from './config';

/**
 * camera-ingest: receives camera frames (HTTP upload, watched folder, simulator), stores them in the object store, records them in Postgres and announces each on Kafka (`inspection.frame.ingested.v1`).
 *
 * No domain logic yet. This module is only the wiring: configuration, the adapters for
 * kafka, s3, postgres, `/health/live` and `/health/ready`, and the ordered shutdown. Later issues add
 * the features as modules imported here.
 */
@Module({})
export class CameraIngestModule {
  static register(config: CameraIngestConfig): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const objectStore = ObjectStoreModule.forRoot(config.s3);
    const database = DatabaseModule.forRoot(config.database);
    const adapters = [messaging, objectStore, database];
    return {
      module: CameraIngestModule,
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
