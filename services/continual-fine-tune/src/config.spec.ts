import { invalidConfigVariables } from '@argus/platform';
import { loadContinualFineTuneConfig } from './config';

// What every service's configuration does (defaults, exit 78 naming each bad variable, secrets) is
// tested once in @argus/platform; here only what is continual-fine-tune's own.
const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 'argus-dev-secret',
  ARGUS_DATABASE_URL: 'postgres://argus:pg-secret@127.0.0.1:15432/argus',
};

describe('continual-fine-tune configuration', () => {
  it('listens on 3003 by default and reads Kafka, S3 and Postgres through their adapters', () => {
    const config = loadContinualFineTuneConfig(validEnv);
    expect(config.PORT).toBe(3003);
    expect(config.kafka).toEqual({ clientId: 'continual-fine-tune', brokers: ['127.0.0.1:19092'] });
    expect(config.s3).toMatchObject({ endPoint: '127.0.0.1', port: 19000, bucket: 'argus' });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, database: 'argus', applicationName: 'continual-fine-tune' });
  });

  it('requires the variables of Kafka, S3 and Postgres, and only those', () => {
    expect(invalidConfigVariables(loadContinualFineTuneConfig, {})).toEqual([
      'ARGUS_DATABASE_URL',
      'ARGUS_KAFKA_BROKERS',
      'ARGUS_S3_ENDPOINT',
    ]);
    expect(invalidConfigVariables(loadContinualFineTuneConfig, validEnv)).toEqual([]);
  });

  it('runs the labels and a trainer worker by default; either can be switched off (a trainer-only process)', () => {
    expect(loadContinualFineTuneConfig(validEnv)).toMatchObject({ ARGUS_FINETUNE_LABELS: true, ARGUS_FINETUNE_WORKER: true });
    expect(loadContinualFineTuneConfig({ ...validEnv, ARGUS_FINETUNE_LABELS: 'off' })).toMatchObject({
      ARGUS_FINETUNE_LABELS: false,
      ARGUS_FINETUNE_WORKER: true,
    });
    expect(invalidConfigVariables(loadContinualFineTuneConfig, { ...validEnv, ARGUS_FINETUNE_LABELS: 'maybe' })).toEqual([
      'ARGUS_FINETUNE_LABELS',
    ]);
  });

  it('never prints its secrets', () => {
    const printed = JSON.stringify(loadContinualFineTuneConfig(validEnv));
    expect(printed).not.toContain('argus-dev-secret');
    expect(printed).not.toContain('pg-secret');
  });
});
