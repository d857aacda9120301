import { invalidConfigVariables } from '@argus/platform';
import { loadArchitectureSearchConfig } from './config';

// What every service's configuration does (defaults, exit 78 naming each bad variable, secrets) is
// tested once in @argus/platform; here only what is architecture-search's own.
const validEnv = {
  ARGUS_KAFKA_BROKERS: '127.0.0.1:19092',
};

describe('architecture-search configuration', () => {
  it('listens on 3004 by default and reads Kafka through their adapters', () => {
    const config = loadArchitectureSearchConfig(validEnv);
    expect(config.PORT).toBe(3004);
    expect(config.kafka).toEqual({ clientId: 'architecture-search', brokers: ['127.0.0.1:19092'] });
  });

  it('requires the variables of Kafka, and only those', () => {
    expect(invalidConfigVariables(loadArchitectureSearchConfig, {})).toEqual(['ARGUS_KAFKA_BROKERS']);
    expect(invalidConfigVariables(loadArchitectureSearchConfig, validEnv)).toEqual([]);
  });
});
