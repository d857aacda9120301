import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { HealthController } from './health.controller';
import type { ReadinessCheck } from './readiness-check.interface';
import { HEALTH_CHECK_TIMEOUT_MS, HEALTH_CHECKS, ReadinessService } from './readiness.service';

export interface HealthModuleOptions {
  /** A token under which the service provides a `ReadinessCheck[]`. */
  readonly checksToken?: InjectionToken;
  /**
   * Tokens that each provide one `ReadinessCheck`, as the adapter libraries' Nest modules export them
   * (e.g. `MESSAGE_BUS_READINESS`, `OBJECT_STORE_READINESS`, `DATABASE_READINESS`).
   */
  readonly checks?: readonly InjectionToken[];
  /** Modules that provide (and export) `checksToken` and `checks`. */
  readonly imports?: ModuleMetadata['imports'];
  /** How long one check may take before it counts as down. Default 3 s. */
  readonly checkTimeoutMs?: number;
}

/**
 * `GET /health/live` and `GET /health/ready`. Needs `LifecycleState`, which `bootstrapService`
 * provides globally. Ready means every check of `checksToken` and of `checks` answers.
 */
@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions): DynamicModule {
    const tokens = [...(options.checksToken === undefined ? [] : [options.checksToken]), ...(options.checks ?? [])];
    if (tokens.length === 0) throw new Error('HealthModule.register needs checksToken or checks');
    return {
      module: HealthModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        ReadinessService,
        {
          provide: HEALTH_CHECKS,
          useFactory: (...provided: (ReadinessCheck | readonly ReadinessCheck[])[]): ReadinessCheck[] => provided.flat(),
          inject: tokens,
        },
        { provide: HEALTH_CHECK_TIMEOUT_MS, useValue: options.checkTimeoutMs ?? 3_000 },
      ],
    };
  }
}
