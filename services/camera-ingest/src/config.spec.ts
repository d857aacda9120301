import { invalidConfigVariables } from '@argus/platform';
import { loadCameraIngestConfig } from './config';

// What every service's configuration does (defaults, exit 78 naming each bad variable, secrets) is
// tested once in @argus/platform; here only what is camera-ingest's own.
const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 'argus-dev-secret',
  ARGUS_DATABASE_URL: 'postgres://argus:pg-secret@127.0.0.1:15432/argus',
  ARGUS_CAMERA_TOKEN: 'camera-token-0123456789',
};

describe('camera-ingest configuration', () => {
  it('listens on 3001 by default and reads Kafka, S3 and Postgres through their adapters', () => {
    const config = loadCameraIngestConfig(validEnv);
    expect(config.PORT).toBe(3001);
    expect(config.kafka).toEqual({ clientId: 'camera-ingest', brokers: ['127.0.0.1:19092'] });
    expect(config.s3).toMatchObject({ endPoint: '127.0.0.1', port: 19000, bucket: 'argus' });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus', applicationName: 'camera-ingest' });
  });

  it('requires the variables of Kafka, S3 and Postgres and the camera token, and only those', () => {
    expect(invalidConfigVariables(loadCameraIngestConfig, {})).toEqual([
      'ARGUS_CAMERA_TOKEN',
      'ARGUS_DATABASE_URL',
      'ARGUS_KAFKA_BROKERS',
      'ARGUS_S3_ENDPOINT',
    ]);
    expect(invalidConfigVariables(loadCameraIngestConfig, validEnv)).toEqual([]);
  });

  it('never prints its secrets', () => {
    const printed = JSON.stringify(loadCameraIngestConfig(validEnv));
    expect(printed).not.toContain('argus-dev-secret');
    expect(printed).not.toContain('pg-secret');
    expect(printed).not.toContain('camera-token-0123456789');
  });

  it('has ingest limits with defaults, and refuses a minimum above the maximum', () => {
    const config = loadCameraIngestConfig(validEnv);
    expect(config).toMatchObject({
      ARGUS_INGEST_MAX_FRAME_BYTES: 25 * 1024 * 1024,
      ARGUS_INGEST_MIN_DIMENSION: 16,
      ARGUS_INGEST_MAX_DIMENSION: 8192,
      ARGUS_INGEST_RETRY_AFTER_SECONDS: 5,
    });
    expect(config.ARGUS_CAMERA_TOKEN.reveal()).toBe('camera-token-0123456789');
    expect(
      invalidConfigVariables(loadCameraIngestConfig, { ...validEnv, ARGUS_INGEST_MIN_DIMENSION: '100', ARGUS_INGEST_MAX_DIMENSION: '50' }),
    ).toEqual(['ARGUS_INGEST_MAX_DIMENSION']);
    expect(invalidConfigVariables(loadCameraIngestConfig, { ...validEnv, ARGUS_CAMERA_TOKEN: 'short' })).toEqual(['ARGUS_CAMERA_TOKEN']);
  });
  it('has frame retention defaults (7d plain, 90d alerted, reviewed never, no byte cap) and reads durations and sizes', () => {
    expect(loadCameraIngestConfig(validEnv)).toMatchObject({
      ARGUS_RETENTION_MAX_AGE: 7 * 86_400_000,
      ARGUS_RETENTION_ALERTED_MAX_AGE: 90 * 86_400_000,
      ARGUS_RETENTION_REVIEWED_MAX_AGE: null,
      ARGUS_RETENTION_MAX_BYTES_PER_LINE: null,
      ARGUS_RETENTION_MIN_AGE: 600_000,
      ARGUS_RETENTION_INTERVAL_SECONDS: 60,
      ARGUS_RETENTION_BATCH_SIZE: 200,
    });
    const set = loadCameraIngestConfig({
      ...validEnv,
      ARGUS_RETENTION_MAX_AGE: '36h',
      ARGUS_RETENTION_MAX_BYTES_PER_LINE: '512MiB',
      ARGUS_RETENTION_INTERVAL_SECONDS: '0',
    });
    expect(set).toMatchObject({
      ARGUS_RETENTION_MAX_AGE: 36 * 3_600_000,
      ARGUS_RETENTION_MAX_BYTES_PER_LINE: 512 * 1024 ** 2,
      ARGUS_RETENTION_INTERVAL_SECONDS: 0,
    });
    expect(
      invalidConfigVariables(loadCameraIngestConfig, {
        ...validEnv,
        ARGUS_RETENTION_MAX_AGE: 'a week',
        ARGUS_RETENTION_MAX_BYTES_PER_LINE: 'big',
        ARGUS_RETENTION_MIN_AGE: 'never',
      }),
    ).toEqual(['ARGUS_RETENTION_MAX_AGE', 'ARGUS_RETENTION_MAX_BYTES_PER_LINE', 'ARGUS_RETENTION_MIN_AGE']);
  });
});
