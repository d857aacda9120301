import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import { type Environment, loadConfig, type LoadConfigOptions, serviceEnvSchema } from '@argus/platform';
import { s3ConfigFromEnv } from '@argus/storage';
import { SERVICE_NAME } from './service.identity';

/**
 * Variables of continual-fine-tune itself (PORT defaults to 3003); its dependencies' variables are read
 * by their adapter libraries. Its descriptions (those of serviceEnvSchema) are rendered into
 * services/continual-fine-tune/README.md by `npm run docs:config`.
 */
export const ContinualFineTuneEnvSchema = serviceEnvSchema(3003);

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadContinualFineTuneConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
  return loadConfig(ContinualFineTuneEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
      database: (vars: Environment) => databaseConfigFromEnv(vars, SERVICE_NAME),
      s3: s3ConfigFromEnv,
    },
  });
}

export type ContinualFineTuneConfig = ReturnType<typeof loadContinualFineTuneConfig>;
