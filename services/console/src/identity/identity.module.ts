import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DATABASE, type Database } from '@argus/persistence';
import { LOGGER, type Logger, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { AccessDenialAudit } from '../audit/audit-trail';
import { AuditController } from '../audit/audit.controller';
import { AUDIT_LOG } from '../audit/audit.tokens';
import { ServiceTokenAdministrationUseCase } from '../service-tokens/service-token-administration.use-case';
import { ServiceTokensController } from '../service-tokens/service-tokens.controller';
import { UserAdministrationUseCase } from '../users/user-administration.use-case';
import { UsersController } from '../users/users.controller';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { type Clock, CONSOLE_CLOCK, systemClock } from './clock';
import { DatabaseCredentialResolver } from './credential.resolver';
import { ACCESS_DENIAL_RECORDER, CREDENTIAL_RESOLVER } from './credential-resolver.port';
import { provisionFirstAdmin } from './first-admin.provisioner';
import { IDENTITY_SETTINGS, type IdentitySettings } from './identity.settings';
import { IdentityStore } from './identity.store';
import { LoginUseCase } from './login.use-case';
import { PasswordHasher } from './password.hasher';

export interface IdentityModuleOptions {
  readonly settings: IdentitySettings;
  /** The module that exports DATABASE. */
  readonly imports: DynamicModule[];
  /** Default: the system clock (tests pass one they can move). */
  readonly clock?: Clock;
}

const FIRST_ADMIN = Symbol('FIRST_ADMIN');

/**
 * Identity and access: sign-in and sessions, users, service tokens, the audit listing, and the
 * global auth guard (APP_GUARD: every `/api/` route needs a principal unless `@Public()`).
 * Exports the clock, the identity store and the audit log for the other console features.
 */
@Module({})
export class IdentityModule {
  static register(options: IdentityModuleOptions): DynamicModule {
    return {
      module: IdentityModule,
      imports: options.imports,
      controllers: [AuthController, UsersController, ServiceTokensController, AuditController],
      providers: [
        { provide: IDENTITY_SETTINGS, useValue: options.settings },
        { provide: CONSOLE_CLOCK, useValue: options.clock ?? systemClock },
        { provide: PasswordHasher, useValue: new PasswordHasher() },
        { provide: IdentityStore, inject: [DATABASE], useFactory: (db: Database) => new IdentityStore(db) },
        { provide: AUDIT_LOG, inject: [IdentityStore], useFactory: (store: IdentityStore) => store.audit },
        {
          provide: CREDENTIAL_RESOLVER,
          inject: [IdentityStore, CONSOLE_CLOCK],
          useFactory: (store: IdentityStore, clock: Clock) => new DatabaseCredentialResolver(store, clock),
        },
        {
          provide: ACCESS_DENIAL_RECORDER,
          inject: [IdentityStore],
          useFactory: (store: IdentityStore) => new AccessDenialAudit(store.audit),
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: LoginUseCase,
          inject: [IdentityStore, PasswordHasher, CONSOLE_CLOCK],
          useFactory: (store: IdentityStore, hasher: PasswordHasher, clock: Clock) =>
            new LoginUseCase(store, hasher, clock, { sessionTtlMinutes: options.settings.sessionTtlMinutes }),
        },
        {
          provide: UserAdministrationUseCase,
          inject: [IdentityStore, PasswordHasher, CONSOLE_CLOCK],
          useFactory: (store: IdentityStore, hasher: PasswordHasher, clock: Clock) => new UserAdministrationUseCase(store, hasher, clock),
        },
        {
          provide: ServiceTokenAdministrationUseCase,
          inject: [IdentityStore, CONSOLE_CLOCK],
          useFactory: (store: IdentityStore, clock: Clock) => new ServiceTokenAdministrationUseCase(store, clock),
        },
        {
          // The first admin, once the database answers and is migrated (retried with backoff until then).
          provide: FIRST_ADMIN,
          inject: [IdentityStore, PasswordHasher, LOGGER, ShutdownRegistry, DATABASE],
          useFactory: (store: IdentityStore, hasher: PasswordHasher, logger: Logger, registry: ShutdownRegistry, db: Database) => {
            const admin = options.settings.firstAdmin;
            if (!admin) return null;
            const task = new RetryingStartupTask(
              'create the first admin',
              async () => {
                // The pool opens in the background; say so rather than TypeORM's "no metadata" error.
                if (!db.isInitialized) throw new Error('the database pool is not open yet');
                await provisionFirstAdmin(store, hasher, { username: admin.username, password: admin.password.reveal() }, logger);
              },
              { logger },
            );
            registry.register({ name: 'first-admin', order: ShutdownOrder.stopConsuming, close: () => task.stop() });
            void task.start();
            return task;
          },
        },
      ],
      exports: [CONSOLE_CLOCK, IdentityStore, AUDIT_LOG],
    };
  }
}
