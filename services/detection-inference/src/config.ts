import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import { type Environment, loadConfig, type LoadConfigOptions, serviceEnvSchema } from '@argus/platform';
import { s3ConfigFromEnv } from '@argus/storage';
import { SERVICE_NAME } from './service.identity';

/**
 * Variables of detection-inference itself (PORT defaults to 3002); its dependencies' variables are read
 * by their adapter libraries.
 */
export const DetectionInferenceEnvSchema = serviceEnvSchema(3002);

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadDetectionInferenceConfig(
  env: Environment = process.env,
  options: Omit<LoadConfigOptions<never>, 'sections'> = {},
) {
  return loadConfig(DetectionInferenceEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
      database: (vars: Environment) => databaseConfigFromEnv(vars, SERVICE_NAME),
      s3: s3ConfigFromEnv,
    },
  });
}

export type DetectionInferenceConfig = ReturnType<typeof loadDetectionInferenceConfig>;
