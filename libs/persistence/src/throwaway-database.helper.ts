import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConfig } from './database.config';
import { createDataSource } from './data-source.factory';
import type { Database } from './database';

export interface ThrowawayDatabase {
  readonly name: string;
  readonly dataSource: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * For integration tests: creates a uniquely named database (`argus_t_<random>`) on the server
 * `config` points at, so each test file gets a fresh schema and files never see each other's
 * rows. Needs CREATEDB (the local throw-away cluster's `argus` user is a superuser). The returned
 * database is initialized; migrations are not run (call `runMigrations`).
 */
export async function createThrowawayDatabase(config: DatabaseConfig): Promise<ThrowawayDatabase> {
  const name = `argus_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient(config, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const dataSource = createDataSource(config, { database: name });
  try {
    await dataSource.initialize();
  } catch (error) {
    await withAdminClient(config, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name}`));
    throw error;
  }
  return {
    name,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await withAdminClient(config, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdminClient<T>(config: DatabaseConfig, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password.reveal(),
    ssl: config.ssl,
    application_name: `${config.applicationName}-test-admin`,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
