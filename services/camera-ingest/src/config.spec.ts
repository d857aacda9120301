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
};

describe('camera-ingest configuration', () => {
  it('listens on 3001 by default and reads Kafka, S3 and Postgres through their adapters', () => {
    const config = loadCameraIngestConfig(validEnv);
    expect(config.PORT).toBe(3001);
    expect(config.kafka).toEqual({ clientId: 'camera-ingest', brokers: ['127.0.0.1:19092'] });
    expect(config.s3).toMatchObject({ endPoint: '127.0.0.1', port: 19000, bucket: 'argus' });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus', applicationName: 'camera-ingest' });
  });

  it('requires the variables of Kafka, S3 and Postgres, and only those', () => {
    expect(invalidConfigVariables(loadCameraIngestConfig, {})).toEqual(['ARGUS_DATABASE_URL', 'ARGUS_KAFKA_BROKERS', 'ARGUS_S3_ENDPOINT']);
    expect(invalidConfigVariables(loadCameraIngestConfig, validEnv)).toEqual([]);
  });

  it('never prints its secrets', () => {
    const printed = JSON.stringify(loadCameraIngestConfig(validEnv));
    expect(printed).not.toContain('argus-dev-secret');
    expect(printed).not.toContain('pg-secret');
  });
});
