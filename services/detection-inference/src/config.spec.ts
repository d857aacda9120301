import { invalidConfigVariables } from '@argus/platform';
import { loadDetectionInferenceConfig } from './config';

// What every service's configuration does (defaults, exit 78 naming each bad variable, secrets) is
// tested once in @argus/platform; here only what is detection-inference's own.
const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 'argus-dev-secret',
  ARGUS_DATABASE_URL: 'postgres://argus:pg-secret@127.0.0.1:15432/argus',
};

describe('detection-inference configuration', () => {
  it('listens on 3002 by default and reads Kafka, S3 and Postgres through their adapters', () => {
    const config = loadDetectionInferenceConfig(validEnv);
    expect(config.PORT).toBe(3002);
    expect(config.kafka).toEqual({ clientId: 'detection-inference', brokers: ['127.0.0.1:19092'] });
    expect(config.s3).toMatchObject({ endPoint: '127.0.0.1', port: 19000, bucket: 'argus' });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus', applicationName: 'detection-inference' });
  });

  it('requires the variables of Kafka, S3 and Postgres, and only those', () => {
    expect(invalidConfigVariables(loadDetectionInferenceConfig, {})).toEqual([
      'ARGUS_DATABASE_URL',
      'ARGUS_KAFKA_BROKERS',
      'ARGUS_S3_ENDPOINT',
    ]);
    expect(invalidConfigVariables(loadDetectionInferenceConfig, validEnv)).toEqual([]);
  });

  it('shares the frame consumer group "detection-inference" unless ARGUS_INFER_GROUP_ID names another', () => {
    expect(loadDetectionInferenceConfig(validEnv).ARGUS_INFER_GROUP_ID).toBe('detection-inference');
    expect(loadDetectionInferenceConfig({ ...validEnv, ARGUS_INFER_GROUP_ID: 'di-e2e-1a2b' }).ARGUS_INFER_GROUP_ID).toBe('di-e2e-1a2b');
    expect(invalidConfigVariables(loadDetectionInferenceConfig, { ...validEnv, ARGUS_INFER_GROUP_ID: 'no spaces' })).toEqual([
      'ARGUS_INFER_GROUP_ID',
    ]);
  });

  it('never prints its secrets', () => {
    const printed = JSON.stringify(loadDetectionInferenceConfig(validEnv));
    expect(printed).not.toContain('argus-dev-secret');
    expect(printed).not.toContain('pg-secret');
  });
});
