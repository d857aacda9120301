import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS, ObjectStoreModule } from '@argus/storage';
import type { CameraIngestConfig, CameraIngestEnv } from './config';
import type { IngestFrameSettings } from './ingest/ingest-frame.use-case';
import { IngestModule } from './ingest/ingest.module';
import { RetentionModule, retentionSettingsOf } from './retention/retention.module';
import { SourcesModule } from './sources/sources.module';

/** The ingest rules as the configuration sets them. */
export function ingestSettingsOf(config: CameraIngestEnv): IngestFrameSettings {
  return {
    maxFrameBytes: config.ARGUS_INGEST_MAX_FRAME_BYTES,
    dimensions: { minDimension: config.ARGUS_INGEST_MIN_DIMENSION, maxDimension: config.ARGUS_INGEST_MAX_DIMENSION },
    retryAfterSeconds: config.ARGUS_INGEST_RETRY_AFTER_SECONDS,
    publishTimeoutMs: config.ARGUS_INGEST_PUBLISH_TIMEOUT_MS,
  };
}

/**
 * camera-ingest: receives camera frames (HTTP upload, watched folder, simulator, replay), stores
 * them in the object store, records them in Postgres and announces each on Kafka
 * (`inspection.frame.ingested.v1`). Wiring only: the adapters for Kafka, S3 and Postgres,
 * `/health/live` and `/health/ready`, the ingest feature, the configured sources and frame retention.
 */
@Module({})
export class CameraIngestModule {
  static register(config: CameraIngestConfig): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const objectStore = ObjectStoreModule.forRoot(config.s3);
    const database = DatabaseModule.forRoot(config.database);
    const adapters = [messaging, objectStore, database];
    const ingest = IngestModule.register({ settings: ingestSettingsOf(config), cameraToken: config.ARGUS_CAMERA_TOKEN, imports: adapters });
    return {
      module: CameraIngestModule,
      imports: [
        ...adapters,
        ingest,
        SourcesModule.register({ sourcesFile: config.ARGUS_INGEST_SOURCES, imports: [ingest, objectStore] }),
        RetentionModule.register({ ...retentionSettingsOf(config), imports: [objectStore, database] }),
        HealthModule.register({
          imports: adapters,
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
