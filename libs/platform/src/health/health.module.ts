import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { HealthController } from './health.controller';
import type { ReadinessCheck } from './readiness-check.interface';
import { HEALTH_CHECK_TIMEOUT_MS, HEALTH_CHECKS, ReadinessService } from './readiness.service';

export interface HealthModuleOptions {
  /** The token under which the service provides its `ReadinessCheck[]`. */
  readonly checksToken: InjectionToken;
  /** Modules that provide (and export) `checksToken`. */
  readonly imports?: ModuleMetadata['imports'];
  /** How long one check may take before it counts as down. Default 3 s. */
  readonly checkTimeoutMs?: number;
}

/**
 * `GET /health/live` and `GET /health/ready`. Needs `LifecycleState`, which `bootstrapService`
 * provides globally.
 */
@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        ReadinessService,
        {
          provide: HEALTH_CHECKS,
          useFactory: (checks: readonly ReadinessCheck[]) => checks,
          inject: [options.checksToken],
        },
        { provide: HEALTH_CHECK_TIMEOUT_MS, useValue: options.checkTimeoutMs ?? 3_000 },
      ],
    };
  }
}
