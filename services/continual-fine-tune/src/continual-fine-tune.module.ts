import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule, READINESS_CHECKS } from '@argus/platform';
import type { ContinualFineTuneConfig } from './config';
import { InfrastructureModule } from './infrastructure/infrastructure.module';

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
    const infrastructure = InfrastructureModule.register(config);
    return {
      module: ContinualFineTuneModule,
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
