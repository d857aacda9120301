import { z } from 'zod';
import { type Environment, loadConfig, type LoadConfigOptions } from './config.loader';
import { serviceEnvSchema } from './env-fields.schema';
import { invalidConfigVariables } from './invalid-config-variables.probe';

const loadExample = (env: Environment, options: Pick<LoadConfigOptions<never>, 'write' | 'exit'>) =>
  loadConfig(serviceEnvSchema(3001).extend({ ARGUS_KAFKA_BROKERS: z.string() }), env, {
    ...options,
    sections: {
      s3: (vars: Environment) => {
        if (!vars['ARGUS_S3_ENDPOINT']) throw new Error('ARGUS_S3_ENDPOINT is required');
        return {};
      },
    },
  });

describe('invalidConfigVariables', () => {
  it('names every variable the loader refuses, sorted, without exiting', () => {
    expect(invalidConfigVariables(loadExample, { PORT: 'x' })).toEqual(['ARGUS_KAFKA_BROKERS', 'ARGUS_S3_ENDPOINT', 'PORT']);
  });

  it('answers nothing when the loader accepts the environment', () => {
    expect(invalidConfigVariables(loadExample, { ARGUS_KAFKA_BROKERS: 'k:9092', ARGUS_S3_ENDPOINT: 'http://s3:9000' })).toEqual([]);
  });

  it('lets any other failure of the loader through', () => {
    const broken = () => {
      throw new TypeError('loader bug');
    };
    expect(() => invalidConfigVariables(broken, {})).toThrow('loader bug');
  });
});
