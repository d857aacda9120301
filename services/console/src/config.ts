import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import { type Environment, loadConfig, type LoadConfigOptions, serviceEnvSchema } from '@argus/platform';
import { SERVICE_NAME } from './service.identity';

/**
 * Variables of console itself (PORT defaults to 3000); its dependencies' variables are read
 * by their adapter libraries.
 */
export const ConsoleEnvSchema = serviceEnvSchema(3000);

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadConsoleConfig(
  env: Environment = process.env,
  options: Omit<LoadConfigOptions<never>, 'sections'> = {},
) {
  return loadConfig(ConsoleEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
      database: (vars: Environment) => databaseConfigFromEnv(vars, SERVICE_NAME),
    },
  });
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
