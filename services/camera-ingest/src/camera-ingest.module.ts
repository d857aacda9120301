import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule, READINESS_CHECKS } from '@argus/platform';
import type { CameraIngestConfig } from './config';
import { InfrastructureModule } from './infrastructure/infrastructure.module';

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
    const infrastructure = InfrastructureModule.register(config);
    return {
      module: CameraIngestModule,
      imports: [
        infrastructure,
        HealthModule.register({
          checksToken: READINESS_CHECKS,
          imports: [infrastructure],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
