import { inspect } from 'node:util';
import { variablesReadBy } from '@argus/platform';
import { DEFAULT_S3_PART_SIZE, S3ConfigError, s3ConfigFromEnv, S3EnvSchema } from './s3-object-store.config';

const env = {
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 'argus-dev-secret',
};

function failureOf(overrides: Record<string, string | undefined>): S3ConfigError {
  try {
    s3ConfigFromEnv({ ...env, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(S3ConfigError);
    return error as S3ConfigError;
  }
  throw new Error('expected an S3ConfigError');
}

describe('s3ConfigFromEnv', () => {
  it('parses the endpoint and applies defaults for region, bucket and part size', () => {
    const config = s3ConfigFromEnv(env);
    expect(config).toMatchObject({
      endPoint: '127.0.0.1',
      port: 19000,
      useSSL: false,
      accessKey: 'argus',
      region: 'us-east-1',
      bucket: 'argus',
      partSize: DEFAULT_S3_PART_SIZE,
    });
    expect(config.secretKey.reveal()).toBe('argus-dev-secret');
  });

  it('reads region, bucket, part size and https endpoints with default ports', () => {
    const config = s3ConfigFromEnv({
      ...env,
      ARGUS_S3_ENDPOINT: 'https://minio.plant.example',
      ARGUS_S3_REGION: 'eu-central-1',
      ARGUS_S3_BUCKET: 'argus-frames',
      ARGUS_S3_PART_SIZE_MIB: '8',
    });
    expect(config).toMatchObject({
      endPoint: 'minio.plant.example',
      port: 443,
      useSSL: true,
      region: 'eu-central-1',
      bucket: 'argus-frames',
      partSize: 8 * 2 ** 20,
    });
    expect(s3ConfigFromEnv({ ...env, ARGUS_S3_ENDPOINT: 'http://[::1]:9000' }).endPoint).toBe('::1');
  });

  it.each([
    [{ ARGUS_S3_ENDPOINT: undefined }, 'ARGUS_S3_ENDPOINT'],
    [{ ARGUS_S3_ENDPOINT: '  ' }, 'ARGUS_S3_ENDPOINT'],
    [{ ARGUS_S3_ENDPOINT: '127.0.0.1:19000' }, 'ARGUS_S3_ENDPOINT'],
    [{ ARGUS_S3_ENDPOINT: 'ftp://host:21' }, 'ARGUS_S3_ENDPOINT'],
    [{ ARGUS_S3_ENDPOINT: 'http://host:9000/bucket' }, 'ARGUS_S3_ENDPOINT'],
    [{ ARGUS_S3_ENDPOINT: 'http://user:pw@host:9000' }, 'ARGUS_S3_ENDPOINT'],
    [{ ARGUS_S3_ACCESS_KEY: undefined }, 'ARGUS_S3_ACCESS_KEY'],
    [{ ARGUS_S3_SECRET_KEY: '' }, 'ARGUS_S3_SECRET_KEY'],
    [{ ARGUS_S3_REGION: 'US East' }, 'ARGUS_S3_REGION'],
    [{ ARGUS_S3_BUCKET: 'Argus_Frames' }, 'ARGUS_S3_BUCKET'],
    [{ ARGUS_S3_BUCKET: 'ab' }, 'ARGUS_S3_BUCKET'],
    [{ ARGUS_S3_PART_SIZE_MIB: '4' }, 'ARGUS_S3_PART_SIZE_MIB'],
    [{ ARGUS_S3_PART_SIZE_MIB: '8.5' }, 'ARGUS_S3_PART_SIZE_MIB'],
  ])('names the bad variable: %j', (overrides, variable) => {
    const error = failureOf(overrides);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(variable)).toBe(true);
  });

  it('never prints the secret: not in errors, JSON, String() or util.inspect', () => {
    const secret = 'argus-dev-secret';
    const config = s3ConfigFromEnv(env);
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(inspect(config, { depth: 5, showHidden: true })).not.toContain(secret);
    expect(String(config.secretKey)).toBe('***');
    expect(failureOf({ ARGUS_S3_BUCKET: 'X' }).message).not.toContain(secret);
  });
});

describe('S3EnvSchema', () => {
  it('documents exactly the variables s3ConfigFromEnv reads', () => {
    const env = {
      ARGUS_S3_ENDPOINT: 'http://127.0.0.1:9000',
      ARGUS_S3_ACCESS_KEY: 'a',
      ARGUS_S3_SECRET_KEY: 's',
      ARGUS_S3_REGION: 'eu-west-1',
      ARGUS_S3_BUCKET: 'frames',
      ARGUS_S3_PART_SIZE_MIB: '8',
    };
    expect(variablesReadBy(s3ConfigFromEnv, env)).toEqual(Object.keys(S3EnvSchema.shape).sort());
  });

  it('documents the defaults the parser applies', () => {
    const required = { ARGUS_S3_ENDPOINT: 'http://127.0.0.1:9000', ARGUS_S3_ACCESS_KEY: 'a', ARGUS_S3_SECRET_KEY: 's' };
    expect(s3ConfigFromEnv(S3EnvSchema.parse(required))).toEqual(s3ConfigFromEnv(required));
  });
});
