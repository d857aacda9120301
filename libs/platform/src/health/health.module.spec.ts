import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LifecycleState } from '../lifecycle/lifecycle.state';
import { PlatformCoreModule } from '../lifecycle/platform-core.module';
import { ShutdownRegistry } from '../lifecycle/shutdown.registry';
import { createLogger } from '../logging/logger.factory';
import { HealthModule, type HealthModuleOptions } from './health.module';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check.interface';
import { ReadinessService } from './readiness.service';

const KAFKA = Symbol('KAFKA');
const POSTGRES = Symbol('POSTGRES');
const check = (name: string, error?: string): ReadinessCheck => ({
  name,
  check: () => (error === undefined ? Promise.resolve() : Promise.reject(new Error(error))),
});

/** Stands for an adapter lib's module: provides and exports one check per token. */
function checksModule(provided: Record<symbol, ReadinessCheck | ReadinessCheck[]>): DynamicModule {
  @Module({})
  class AdapterChecksModule {}
  const tokens = Object.getOwnPropertySymbols(provided);
  return {
    module: AdapterChecksModule,
    providers: tokens.map((token) => ({ provide: token, useValue: provided[token] })),
    exports: tokens,
  };
}

async function readinessOf(options: HealthModuleOptions) {
  const logger = createLogger({ service: 'test', version: '0.0.0', destination: { write: () => undefined } });
  @Module({
    imports: [
      PlatformCoreModule.forRoot({ logger, registry: new ShutdownRegistry(), state: new LifecycleState() }),
      HealthModule.register(options),
    ],
  })
  class RootModule {}
  const app = await NestFactory.createApplicationContext(RootModule, { logger: false, abortOnError: false });
  try {
    return await app.get(ReadinessService).evaluate();
  } finally {
    await app.close();
  }
}

describe('HealthModule', () => {
  it('runs the checks of every token in `checks`, each providing one check', async () => {
    const adapters = checksModule({ [KAFKA]: check('kafka'), [POSTGRES]: check('postgres', 'pool closed') });
    await expect(readinessOf({ imports: [adapters], checks: [KAFKA, POSTGRES] })).resolves.toEqual({
      ready: false,
      checks: { kafka: 'up', postgres: { status: 'down', error: 'pool closed' } },
    });
  });

  it('runs the list under `checksToken` together with `checks`', async () => {
    const adapters = checksModule({ [READINESS_CHECKS]: [check('s3'), check('model')], [KAFKA]: check('kafka') });
    await expect(readinessOf({ imports: [adapters], checksToken: READINESS_CHECKS, checks: [KAFKA] })).resolves.toEqual({
      ready: true,
      checks: { s3: 'up', model: 'up', kafka: 'up' },
    });
  });

  it('refuses to be registered without any check', () => {
    expect(() => HealthModule.register({})).toThrow('HealthModule.register needs checksToken or checks');
  });
});
