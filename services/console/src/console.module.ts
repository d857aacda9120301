import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule, READINESS_CHECKS } from '@argus/platform';
import type { ConsoleConfig } from './config';
import { InfrastructureModule } from './infrastructure/infrastructure.module';

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
    const infrastructure = InfrastructureModule.register(config);
    return {
      module: ConsoleModule,
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
