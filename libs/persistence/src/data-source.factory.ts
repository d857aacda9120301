import 'reflect-metadata';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from './database.config';
import type { Database } from './database';
import { prepareHotStatements, TypeormDatabase } from './database-handle.helper';
import { PERSISTENCE_ENTITIES } from './entities/persistence.entities';
import { PERSISTENCE_MIGRATIONS } from './migrations/persistence.migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export const MIGRATIONS_TABLE = 'schema_migrations';

export interface DataSourceOptionsOverride {
  /** Run pending migrations on `initialize()`. Off by default: migrations are their own command. */
  readonly migrationsRun?: boolean;
  /** Logs every query to stdout; off by default (the services log through pino). */
  readonly logging?: boolean;
  /** Connect to another database on the same server (tests use a throw-away one each). */
  readonly database?: string;
}

/**
 * The one way to open Argus's database: Postgres, our entities and migrations, snake_case names,
 * `synchronize` off (the schema changes only through migrations), pgcrypto's gen_random_uuid() for
 * uuid keys. Call `initialize()` on the result; `destroy()` at shutdown.
 */
export function createDataSource(config: DatabaseConfig, override: DataSourceOptionsOverride = {}): Database {
  const dataSource = new DataSource({
    type: 'postgres',
    host: config.host,
    port: config.port,
    database: override.database ?? config.database,
    username: config.username,
    password: config.password.reveal(),
    ssl: config.ssl,
    applicationName: config.applicationName,
    poolSize: config.poolSize,
    entities: PERSISTENCE_ENTITIES,
    migrations: PERSISTENCE_MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    migrationsRun: override.migrationsRun ?? false,
    synchronize: false,
    dropSchema: false,
    namingStrategy: new SnakeNamingStrategy(),
    uuidExtension: 'pgcrypto',
    logging: override.logging ?? false,
  });
  if (config.preparedStatements) prepareHotStatements(dataSource);
  return new TypeormDatabase(dataSource);
}
