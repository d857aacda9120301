import type { Provider } from '@nestjs/common';
import type { Database } from './database';
import { DATABASE } from './database.module';

/** A repository class: built on a `Database` (the pool, or a transaction). */
export type RepositoryClass<R = unknown> = new (db: Database) => R;

/**
 * Nest providers for these repositories, each injectable by its class and built on `DATABASE`
 * (which the module's imports must export). A feature module lists the repositories its use cases
 * need and lets the injector hand them over, instead of building them itself.
 */
export function repositoryProviders(...repositories: readonly RepositoryClass[]): Provider[] {
  return repositories.map((repository) => ({ provide: repository, inject: [DATABASE], useFactory: (db: Database) => new repository(db) }));
}
