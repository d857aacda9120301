import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { HealthModule } from '@argus/platform';
import type { ArchitectureSearchConfig } from './config';

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
    const messaging = MessagingModule.forRoot(config.kafka);
    const adapters = [messaging];
    return {
      module: ArchitectureSearchModule,
      imports: [
        ...adapters,
        HealthModule.register({
          imports: adapters,
          checks: [MESSAGE_BUS_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
