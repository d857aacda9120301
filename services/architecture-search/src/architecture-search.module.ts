import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS, ObjectStoreModule } from '@argus/storage';
import { FullTrainingModule } from './full-training/full-training.module';
import type { ArchitectureSearchConfig } from './config';
import { SearchControllerModule } from './controller/search-controller.module';
import { TrialWorkerModule } from './trials/trial-worker.module';

/**
 * architecture-search: searches detector architectures on request and registers the candidates it finds.
 *
 * The wiring: configuration, the adapters (Kafka, S3, Postgres), `/health/live` and
 * `/health/ready`, the ordered shutdown, and the features as modules imported here: the search
 * controller (controller/) and a trial worker (trials/), each as ARGUS_SEARCH_ROLES says, and full
 * training of a chosen trial (full-training/).
 */
@Module({})
export class ArchitectureSearchModule {
  static register(config: ArchitectureSearchConfig): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const objectStore = ObjectStoreModule.forRoot(config.s3);
    const database = DatabaseModule.forRoot(config.database);
    const adapters = [messaging, objectStore, database];
    return {
      module: ArchitectureSearchModule,
      imports: [
        ...adapters,
        FullTrainingModule.register(config, adapters),
        ...(config.ARGUS_SEARCH_ROLES.includes('controller') ? [SearchControllerModule.register(config, adapters)] : []),
        ...(config.ARGUS_SEARCH_ROLES.includes('worker') ? [TrialWorkerModule.register(config, adapters)] : []),
        HealthModule.register({
          imports: adapters,
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
