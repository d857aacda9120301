import { Secret } from '@argus/platform';
import { z } from 'zod';

export const DEFAULT_DATABASE_POOL_SIZE = 10;

export interface DatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: Secret;
  /** Connections kept by this process. Postgres' max_connections is shared by every replica. */
  readonly poolSize: number;
  /** `true` when the URL asks for TLS (sslmode=require/verify-ca/verify-full). */
  readonly ssl: boolean;
  /** Shown in pg_stat_activity, so a stuck query names its service. */
  readonly applicationName: string;
  /**
   * Hot-path statements are named prepared statements, parsed and planned once per connection
   * (ARGUS_DATABASE_PREPARED_STATEMENTS, default true). Turn off behind a transaction-pooling
   * proxy (PgBouncer in transaction mode), where a connection's statements do not follow it.
   */
  readonly preparedStatements: boolean;
}

/** A configuration variable is missing or malformed. The message names it and never quotes a password. */
export class DatabaseConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'DatabaseConfigError';
  }
}

/**
 * The variables {@link databaseConfigFromEnv} reads, described for people: `npm run docs:config`
 * renders them into libs/persistence/README.md, and a unit test checks the parser reads exactly
 * these. The parsing (and its messages) stays in the function.
 */
export const DatabaseEnvSchema = z.object({
  ARGUS_DATABASE_URL: z.string().meta({
    secret: true,
    description:
      '`postgres://user:password@host:port/database`, with `?sslmode=require` (or verify-ca, verify-full) for TLS. Holds the password: never logged.',
  }),
  ARGUS_DATABASE_POOL_SIZE: z
    .string()
    .default(String(DEFAULT_DATABASE_POOL_SIZE))
    .meta({ description: "Connections kept by this process (1 to 100). Postgres' max_connections is shared by every replica." }),
  ARGUS_DATABASE_PREPARED_STATEMENTS: z.string().default('true').meta({
    description:
      "Hot-path statements are named prepared statements, parsed and planned once per connection. Set `false` behind a transaction-pooling proxy (PgBouncer in transaction mode), where a connection's statements do not follow it.",
  }),
});

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads ARGUS_DATABASE_URL (postgres://user:password@host:port/database[?sslmode=...]),
 * ARGUS_DATABASE_POOL_SIZE (default 10) and ARGUS_DATABASE_PREPARED_STATEMENTS (default true).
 * Throws `DatabaseConfigError` naming the bad variable.
 */
export function databaseConfigFromEnv(env: Env, applicationName = 'argus'): DatabaseConfig {
  const variable = 'ARGUS_DATABASE_URL';
  const raw = env[variable]?.trim();
  if (!raw) throw new DatabaseConfigError(variable, 'is required but not set');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo the value: it normally carries the password.
    throw new DatabaseConfigError(variable, 'must be a URL like postgres://user:password@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseConfigError(variable, `must use the postgres:// scheme, got "${url.protocol}"`);
  }
  if (!url.hostname) throw new DatabaseConfigError(variable, 'must name a host');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new DatabaseConfigError(variable, 'must name exactly one database in its path (…/argus)');
  }
  const username = decodeURIComponent(url.username);
  if (!username) throw new DatabaseConfigError(variable, 'must name a user (postgres://user:password@…)');
  const sslmode = url.searchParams.get('sslmode') ?? 'disable';
  if (!['disable', 'prefer', 'require', 'verify-ca', 'verify-full'].includes(sslmode)) {
    throw new DatabaseConfigError(variable, `has an unknown sslmode "${sslmode}"`);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 5432,
    database,
    username,
    password: new Secret(decodeURIComponent(url.password)),
    poolSize: parsePoolSize(env),
    ssl: sslmode === 'require' || sslmode === 'verify-ca' || sslmode === 'verify-full',
    applicationName,
    preparedStatements: parsePreparedStatements(env),
  };
}

function parsePreparedStatements(env: Env): boolean {
  const variable = 'ARGUS_DATABASE_PREPARED_STATEMENTS';
  const raw = env[variable]?.trim().toLowerCase();
  if (!raw || raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new DatabaseConfigError(variable, `must be true or false, got "${env[variable]}"`);
}

function parsePoolSize(env: Env): number {
  const variable = 'ARGUS_DATABASE_POOL_SIZE';
  const raw = env[variable]?.trim();
  if (!raw) return DEFAULT_DATABASE_POOL_SIZE;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || size < 1 || size > 100) {
    throw new DatabaseConfigError(variable, `must be a whole number from 1 to 100, got "${raw}"`);
  }
  return size;
}
