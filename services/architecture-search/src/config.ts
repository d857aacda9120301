import { kafkaConfigFromEnv } from '@argus/messaging';
import { type Environment, loadConfig, type LoadConfigOptions, serviceEnvSchema } from '@argus/platform';
import { SERVICE_NAME } from './service.identity';

/**
 * Variables of architecture-search itself (PORT defaults to 3004); its dependencies' variables are read
 * by their adapter libraries. Its descriptions (those of serviceEnvSchema) are rendered into
 * services/architecture-search/README.md by `npm run docs:config`.
 */
export const ArchitectureSearchEnvSchema = serviceEnvSchema(3004);

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadArchitectureSearchConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
  return loadConfig(ArchitectureSearchEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
    },
  });
}

export type ArchitectureSearchConfig = ReturnType<typeof loadArchitectureSearchConfig>;
