import { invalidConfigVariables } from '@argus/platform';
import { loadConsoleConfig } from './config';

// What every service's configuration does (defaults, exit 78 naming each bad variable, secrets) is
// tested once in @argus/platform; here only what is console's own.
const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_DATABASE_URL: 'postgres://argus:pg-secret@127.0.0.1:15432/argus',
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 's3-secret',
};

describe('console configuration', () => {
  it('listens on 3000 by default and reads Kafka and Postgres through their adapters', () => {
    const config = loadConsoleConfig(validEnv);
    expect(config.PORT).toBe(3000);
    expect(config.kafka).toEqual({ clientId: 'console', brokers: ['127.0.0.1:19092'] });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus', applicationName: 'console' });
  });

  it('requires the variables of Kafka, Postgres and S3, and only those', () => {
    expect(invalidConfigVariables(loadConsoleConfig, {})).toEqual(['ARGUS_DATABASE_URL', 'ARGUS_KAFKA_BROKERS', 'ARGUS_S3_ENDPOINT']);
    expect(invalidConfigVariables(loadConsoleConfig, validEnv)).toEqual([]);
  });

  it('never prints its secrets', () => {
    const printed = JSON.stringify(loadConsoleConfig(validEnv));
    expect(printed).not.toContain('pg-secret');
    expect(printed).not.toContain('s3-secret');
  });
});

describe('console identity settings', () => {
  it('defaults: 256kb bodies, 8-hour sessions, cookie not Secure, no first admin', () => {
    const config = loadConsoleConfig(validEnv);
    expect(config.HTTP_BODY_LIMIT).toBe('256kb');
    expect(config.ARGUS_CONSOLE_SESSION_TTL_MINUTES).toBe(480);
    expect(config.ARGUS_CONSOLE_SECURE_COOKIE).toBe(false);
    expect(config.ARGUS_CONSOLE_ADMIN_USERNAME).toBeUndefined();
  });

  it('takes the first admin as a pair, the password as a secret of at least 10 characters', () => {
    const config = loadConsoleConfig({ ...validEnv, ARGUS_CONSOLE_ADMIN_USERNAME: 'root', ARGUS_CONSOLE_ADMIN_PASSWORD: 'first-admin-pw' });
    expect(config.ARGUS_CONSOLE_ADMIN_PASSWORD?.reveal()).toBe('first-admin-pw');
    expect(JSON.stringify(config)).not.toContain('first-admin-pw');
    expect(invalidConfigVariables(loadConsoleConfig, { ...validEnv, ARGUS_CONSOLE_ADMIN_USERNAME: 'root' })).toEqual([
      'ARGUS_CONSOLE_ADMIN_PASSWORD',
    ]);
    expect(
      invalidConfigVariables(loadConsoleConfig, {
        ...validEnv,
        ARGUS_CONSOLE_ADMIN_USERNAME: 'root',
        ARGUS_CONSOLE_ADMIN_PASSWORD: 'short',
      }),
    ).toEqual(['ARGUS_CONSOLE_ADMIN_PASSWORD']);
    expect(
      invalidConfigVariables(loadConsoleConfig, {
        ...validEnv,
        ARGUS_CONSOLE_SECURE_COOKIE: 'yes',
        ARGUS_CONSOLE_SESSION_TTL_MINUTES: '0',
      }),
    ).toEqual(['ARGUS_CONSOLE_SECURE_COOKIE', 'ARGUS_CONSOLE_SESSION_TTL_MINUTES']);
    expect(loadConsoleConfig({ ...validEnv, ARGUS_CONSOLE_SECURE_COOKIE: 'true' }).ARGUS_CONSOLE_SECURE_COOKIE).toBe(true);
  });
});
