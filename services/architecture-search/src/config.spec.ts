import { invalidConfigVariables } from '@argus/platform';
import { loadArchitectureSearchConfig } from './config';

// What every service's configuration does (defaults, exit 78 naming each bad variable, secrets) is
// tested once in @argus/platform; here only what is architecture-search's own.
const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
  ARGUS_DATABASE_URL: 'postgres://argus:pg-secret@127.0.0.1:15432/argus',
  ARGUS_S3_ENDPOINT: 'http://127.0.0.1:19000',
  ARGUS_S3_ACCESS_KEY: 'argus',
  ARGUS_S3_SECRET_KEY: 'argus-dev-secret',
};

describe('architecture-search configuration', () => {
  it('listens on 3004 by default and reads Kafka, Postgres and S3 through their adapters', () => {
    const config = loadArchitectureSearchConfig(validEnv);
    expect(config.PORT).toBe(3004);
    expect(config.kafka).toEqual({ clientId: 'architecture-search', brokers: ['127.0.0.1:19092'] });
    expect(config.database).toMatchObject({ host: '127.0.0.1', port: 15432, applicationName: 'architecture-search' });
    expect(config.s3).toMatchObject({ endPoint: '127.0.0.1', port: 19000 });
  });

  it('is both a controller and a worker unless told otherwise, and refuses an unknown role', () => {
    expect(loadArchitectureSearchConfig(validEnv).ARGUS_SEARCH_ROLES).toEqual(['controller', 'worker']);
    expect(loadArchitectureSearchConfig({ ...validEnv, ARGUS_SEARCH_ROLES: 'worker' }).ARGUS_SEARCH_ROLES).toEqual(['worker']);
    expect(invalidConfigVariables(loadArchitectureSearchConfig, { ...validEnv, ARGUS_SEARCH_ROLES: 'worker,trainer' })).toEqual([
      'ARGUS_SEARCH_ROLES',
    ]);
    expect(invalidConfigVariables(loadArchitectureSearchConfig, { ...validEnv, ARGUS_SEARCH_WORKER_NICE: '20' })).toEqual([
      'ARGUS_SEARCH_WORKER_NICE',
    ]);
  });

  it('requires the variables of Kafka, Postgres and S3, and only those', () => {
    expect(invalidConfigVariables(loadArchitectureSearchConfig, {})).toEqual([
      'ARGUS_DATABASE_URL',
      'ARGUS_KAFKA_BROKERS',
      'ARGUS_S3_ENDPOINT',
    ]);
    expect(invalidConfigVariables(loadArchitectureSearchConfig, validEnv)).toEqual([]);
  });
});
