import { inspect } from 'node:util';
import { variablesReadBy } from '@argus/platform';
import { DatabaseConfigError, DatabaseEnvSchema, DEFAULT_DATABASE_POOL_SIZE, databaseConfigFromEnv } from './database.config';

const URL_VAR = 'ARGUS_DATABASE_URL';

function failureOf(env: Record<string, string | undefined>): DatabaseConfigError {
  try {
    databaseConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseConfigError);
    return error as DatabaseConfigError;
  }
  throw new Error('expected a DatabaseConfigError');
}

describe('databaseConfigFromEnv', () => {
  it('parses the URL and defaults the pool size', () => {
    const config = databaseConfigFromEnv({ [URL_VAR]: 'postgres://argus:argus@127.0.0.1:15432/argus' }, 'camera-ingest');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 15432,
      database: 'argus',
      username: 'argus',
      poolSize: DEFAULT_DATABASE_POOL_SIZE,
      ssl: false,
      applicationName: 'camera-ingest',
      preparedStatements: true,
    });
    expect(config.password.reveal()).toBe('argus');
  });

  it('decodes escaped credentials, defaults the port, reads sslmode and pool size', () => {
    const config = databaseConfigFromEnv({
      [URL_VAR]: 'postgresql://svc%40argus:p%2Fss%3Aword@db.plant.example/argus_prod?sslmode=require',
      ARGUS_DATABASE_POOL_SIZE: '25',
    });
    expect(config).toMatchObject({ host: 'db.plant.example', port: 5432, database: 'argus_prod', username: 'svc@argus' });
    expect(config.password.reveal()).toBe('p/ss:word');
    expect(config.ssl).toBe(true);
    expect(config.poolSize).toBe(25);
  });

  it('turns named prepared statements off when asked (a transaction-pooling proxy)', () => {
    const url = 'postgres://argus@localhost/argus';
    expect(databaseConfigFromEnv({ [URL_VAR]: url, ARGUS_DATABASE_PREPARED_STATEMENTS: 'false' }).preparedStatements).toBe(false);
    expect(databaseConfigFromEnv({ [URL_VAR]: url, ARGUS_DATABASE_PREPARED_STATEMENTS: 'TRUE' }).preparedStatements).toBe(true);
  });

  it('allows a password-less URL (trust or peer auth)', () => {
    expect(databaseConfigFromEnv({ [URL_VAR]: 'postgres://argus@localhost/argus' }).password.reveal()).toBe('');
  });

  it.each([
    [{}, URL_VAR, 'is required'],
    [{ [URL_VAR]: '   ' }, URL_VAR, 'is required'],
    [{ [URL_VAR]: 'not a url' }, URL_VAR, 'must be a URL'],
    [{ [URL_VAR]: 'mysql://u:p@h/db' }, URL_VAR, 'postgres://'],
    [{ [URL_VAR]: 'postgres://u:p@h:5432/' }, URL_VAR, 'database'],
    [{ [URL_VAR]: 'postgres://u:p@h:5432/a/b' }, URL_VAR, 'database'],
    [{ [URL_VAR]: 'postgres://h:5432/db' }, URL_VAR, 'user'],
    [{ [URL_VAR]: 'postgres://u:p@h/db?sslmode=sometimes' }, URL_VAR, 'sslmode'],
    [{ [URL_VAR]: 'postgres://u:p@h/db', ARGUS_DATABASE_POOL_SIZE: '0' }, 'ARGUS_DATABASE_POOL_SIZE', '1 to 100'],
    [{ [URL_VAR]: 'postgres://u:p@h/db', ARGUS_DATABASE_POOL_SIZE: 'lots' }, 'ARGUS_DATABASE_POOL_SIZE', '1 to 100'],
    [
      { [URL_VAR]: 'postgres://u:p@h/db', ARGUS_DATABASE_PREPARED_STATEMENTS: 'maybe' },
      'ARGUS_DATABASE_PREPARED_STATEMENTS',
      'true or false',
    ],
  ])('names the bad variable: %j', (env, variable, problem) => {
    const error = failureOf(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(variable)).toBe(true);
    expect(error.message).toContain(problem);
  });

  it('never prints the password', () => {
    const secret = 's3cr3t-pw';
    const config = databaseConfigFromEnv({ [URL_VAR]: `postgres://argus:${secret}@h/db` });
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(inspect(config, { depth: 5, showHidden: true })).not.toContain(secret);
    expect(failureOf({ [URL_VAR]: `postgres://argus:${secret}@h/` }).message).not.toContain(secret);
    expect(failureOf({ [URL_VAR]: `mysql://argus:${secret}@h/db` }).message).not.toContain(secret);
  });
});

describe('DatabaseEnvSchema', () => {
  it('documents exactly the variables databaseConfigFromEnv reads', () => {
    const env = {
      ARGUS_DATABASE_URL: 'postgres://u:p@h:5432/d',
      ARGUS_DATABASE_POOL_SIZE: '5',
      ARGUS_DATABASE_PREPARED_STATEMENTS: 'false',
    };
    expect(variablesReadBy((vars) => databaseConfigFromEnv(vars), env)).toEqual(Object.keys(DatabaseEnvSchema.shape).sort());
  });

  it('documents the defaults the parser applies', () => {
    const required = { ARGUS_DATABASE_URL: 'postgres://u:p@h:5432/d' };
    expect(databaseConfigFromEnv(DatabaseEnvSchema.parse(required))).toEqual(databaseConfigFromEnv(required));
  });
});
