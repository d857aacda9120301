import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS, ObjectStoreModule } from '@argus/storage';
import { AuditSamplingModule } from './audit-sampling/audit-sampling.module';
import type { ContinualFineTuneConfig } from './config';
import { TrainerWorkerModule } from './jobs/trainer-worker.module';
import { s3TrainerStoreLocation } from './jobs/trainer-store.location';
import { LabelsModule } from './labels/labels.module';

/**
 * continual-fine-tune: turns operators' reviews into training data, fine-tunes detectors and registers the new model versions.
 *
 * The adapters (Kafka, S3, Postgres), `/health/live` and `/health/ready`, and three features:
 * labels (reviews → labels → triggers → data set versions and job requests, plus the trigger
 * timer), unless ARGUS_FINETUNE_LABELS=off; unless ARGUS_CONTINUAL_AUDIT=off, the audit sample
 * (scored frames without an alert → audit items in the review queue); and, unless
 * ARGUS_FINETUNE_WORKER=off, a trainer worker. Shutdown: stop consuming (an in-flight review finishes; an in-flight job is redelivered and resumes), then the bus flushes
 * and the database closes (their own steps).
 */
@Module({})
export class ContinualFineTuneModule {
  static register(config: ContinualFineTuneConfig): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const objectStore = ObjectStoreModule.forRoot(config.s3);
    const database = DatabaseModule.forRoot(config.database);
    const adapters = [messaging, objectStore, database];
    const features = [
      ...(config.ARGUS_FINETUNE_LABELS ? [LabelsModule.register(config, adapters)] : []),
      ...(config.ARGUS_CONTINUAL_AUDIT ? [AuditSamplingModule.register(config, adapters)] : []),
      ...(config.ARGUS_FINETUNE_WORKER ? [TrainerWorkerModule.register(config, adapters, s3TrainerStoreLocation(config.s3))] : []),
    ];
    return {
      module: ContinualFineTuneModule,
      imports: [
        ...adapters,
        ...features,
        HealthModule.register({
          imports: adapters,
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
