import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LifecycleState } from './lifecycle.state';
import { LOGGER } from './platform.tokens';
import { ShutdownRegistry } from './shutdown.registry';

export interface PlatformCoreOptions {
  readonly logger: Logger;
  readonly registry: ShutdownRegistry;
  readonly state: LifecycleState;
}

/**
 * What every module of a service may inject without importing anything: the logger (`LOGGER`),
 * the `ShutdownRegistry` to register how a component closes, and the `LifecycleState`.
 */
@Global()
@Module({})
export class PlatformCoreModule {
  static forRoot(options: PlatformCoreOptions): DynamicModule {
    return {
      module: PlatformCoreModule,
      providers: [
        { provide: LOGGER, useValue: options.logger },
        { provide: ShutdownRegistry, useValue: options.registry },
        { provide: LifecycleState, useValue: options.state },
      ],
      exports: [LOGGER, ShutdownRegistry, LifecycleState],
    };
  }
}
