import { type DynamicModule, Module } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AlertRepository, repositoryProviders, UserRepository } from '@argus/persistence';
import { LOGGER, type Logger, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { type IngestSourceConfig, SubmitReviewUseCase } from '../service-modules.imports';
import { DemoReviewer } from './demo-reviewer';
import { SimulatedSceneLocator } from './simulated-scene.locator';

export const DEMO_REVIEWER = Symbol('DEMO_REVIEWER');

/**
 * The reviewer's console user: an operator no one can sign in as. Its password hash has the
 * stored format's prefix (the table checks it) but no cost, salt or key the console accepts, so
 * every password fails against it.
 */
export const DEMO_REVIEWER_USER = {
  username: 'demo-reviewer',
  displayName: 'Scripted demo reviewer',
  role: 'operator',
  passwordHash: 'scrypt$0$0$0$no-login$scripted-reviewer',
} as const;

export interface DemoReviewerModuleOptions {
  /** Modules exporting DATABASE (and the console's features, whose review use case it calls). */
  readonly imports: DynamicModule[];
  readonly sources: readonly IngestSourceConfig[];
  readonly claimedAtMs: number;
  readonly paceMs: number;
}

/**
 * ARGUS_DEMO_REVIEWER=on: the scripted reviewer (DemoReviewer) as the user `demo-reviewer`,
 * calling the console's own SubmitReviewUseCase instance (found in the composition: the console's
 * module keeps it to itself, and a second instance would not tell the console's live queue).
 */
@Module({})
export class DemoReviewerModule {
  static register(options: DemoReviewerModuleOptions): DynamicModule {
    return {
      module: DemoReviewerModule,
      imports: options.imports,
      providers: [
        ...repositoryProviders(AlertRepository, UserRepository),
        {
          provide: DEMO_REVIEWER,
          inject: [AlertRepository, UserRepository, ModuleRef, LOGGER, ShutdownRegistry],
          useFactory: async (
            alerts: AlertRepository,
            users: UserRepository,
            moduleRef: ModuleRef,
            logger: Logger,
            registry: ShutdownRegistry,
          ) => {
            const { user } = await users.createIfMissing(DEMO_REVIEWER_USER);
            const reviewer = new DemoReviewer(
              {
                alerts,
                locator: new SimulatedSceneLocator(options.sources, { claimedAtMs: options.claimedAtMs }),
                // resolved at the first review: the console's module may be created after this one
                submit: { execute: (command) => moduleRef.get(SubmitReviewUseCase, { strict: false }).execute(command) },
                reviewer: { id: user.id, name: user.username },
                logger: logger.child({ component: 'demo-reviewer' }),
              },
              { paceMs: options.paceMs, since: new Date(options.claimedAtMs) },
            );
            reviewer.start();
            registry.register({ name: 'demo-reviewer', order: ShutdownOrder.stopConsuming, close: () => reviewer.stop() });
            return reviewer;
          },
        },
      ],
      exports: [DEMO_REVIEWER],
    };
  }
}
