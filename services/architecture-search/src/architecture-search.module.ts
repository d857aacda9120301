import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule, READINESS_CHECKS } from '@argus/platform';
import type { ArchitectureSearchConfig } from './config';
import { InfrastructureModule } from './infrastructure/infrastructure.module';

/**
 * architecture-search: searches detector architectures on request and registers the candidates it finds.
 *
 * No domain logic yet. This module is only the wiring: configuration, the adapters for
 * kafka, `/health/live` and `/health/ready`, and the ordered shutdown. Later issues add
 * the features as modules imported here.
 */
@Module({})
export class ArchitectureSearchModule {
  static register(config: ArchitectureSearchConfig): DynamicModule {
    const infrastructure = InfrastructureModule.register(config);
    return {
      module: ArchitectureSearchModule,
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
