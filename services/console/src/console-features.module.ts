import { type DynamicModule, Module } from '@nestjs/common';
import type { ConsoleEnv } from './config';
import type { Clock } from './identity/clock';
import { IdentityModule } from './identity/identity.module';
import { ModelGovernanceModule } from './models/model-governance.module';
import { NewLineModule } from './onboarding/new-line.module';
import { ReviewQueueModule } from './reviews/review-queue.module';
import { SearchesModule } from './searches/searches.module';
import { ContinualTrainingModule } from './training/continual-training.module';
import type { IdentitySettings } from './identity/identity.settings';

export interface ConsoleFeaturesOptions {
  readonly env: ConsoleEnv;
  /** The modules that export the adapters (DATABASE, MESSAGE_BUS with PIPELINE_HEALTH, OBJECT_STORE). */
  readonly adapters: DynamicModule[];
  /** Tests pass a clock they can move. */
  readonly clock?: Clock;
}

/** The identity part of the console's configuration. */
export function identitySettingsOf(env: ConsoleEnv): IdentitySettings {
  const username = env.ARGUS_CONSOLE_ADMIN_USERNAME;
  const password = env.ARGUS_CONSOLE_ADMIN_PASSWORD;
  return {
    sessionTtlMinutes: env.ARGUS_CONSOLE_SESSION_TTL_MINUTES,
    cookie: { secure: env.ARGUS_CONSOLE_SECURE_COOKIE },
    ...(username !== undefined && password !== undefined ? { firstAdmin: { username, password } } : {}),
  };
}

/**
 * Every console feature on given adapters: what the console process serves, and what the
 * embedded mode (`npm start`) composes on its shared in-process adapters.
 */
@Module({})
export class ConsoleFeaturesModule {
  static register(options: ConsoleFeaturesOptions): DynamicModule {
    const identity = IdentityModule.register({
      settings: identitySettingsOf(options.env),
      imports: options.adapters,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    return {
      module: ConsoleFeaturesModule,
      imports: [
        identity,
        ReviewQueueModule.register({ imports: options.adapters }),
        ModelGovernanceModule.register({ imports: options.adapters }),
        ContinualTrainingModule.register({ imports: options.adapters }),
        SearchesModule.register({ imports: options.adapters }),
        NewLineModule.register({
          imports: options.adapters,
          adaptation: {
            defaultStart: options.env.ARGUS_CONSOLE_ADAPT_START,
            budgetSeconds: options.env.ARGUS_CONSOLE_ADAPT_BUDGET_SECONDS,
          },
        }),
      ],
      exports: [identity],
    };
  }
}
