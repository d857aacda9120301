import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule, READINESS_CHECKS } from '@argus/platform';
import type { DetectionInferenceConfig } from './config';
import { InfrastructureModule } from './infrastructure/infrastructure.module';

/**
 * detection-inference: consumes ingested frames, runs the production (and shadow) detector of each line and publishes detections and alerts.
 *
 * No domain logic yet. This module is only the wiring: configuration, the adapters for
 * kafka, s3, postgres, `/health/live` and `/health/ready`, and the ordered shutdown. Later issues add
 * the features as modules imported here.
 */
@Module({})
export class DetectionInferenceModule {
  static register(config: DetectionInferenceConfig): DynamicModule {
    const infrastructure = InfrastructureModule.register(config);
    return {
      module: DetectionInferenceModule,
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
