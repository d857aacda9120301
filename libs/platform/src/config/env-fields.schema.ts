import { z } from 'zod';

/** A TCP port, e.g. `PORT=3001`. */
export function portField(defaultPort: number) {
  return z.coerce.number().int().min(1).max(65535).default(defaultPort);
}

/** A positive duration in milliseconds, e.g. `SHUTDOWN_TIMEOUT_MS=15000`. */
export function millisecondsField(defaultMs: number) {
  return z.coerce.number().int().positive().default(defaultMs);
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function logLevelField(defaultLevel: LogLevel = 'info') {
  return z.enum(LOG_LEVELS).default(defaultLevel);
}

/**
 * The variables every service reads: HTTP port, log level, how long a graceful shutdown may take,
 * how long one readiness check may take, and the largest request body accepted. Each field's
 * description is the documentation: `npm run docs:config` renders it into the packages' READMEs.
 */
export function serviceEnvSchema(defaultPort: number) {
  return z.object({
    PORT: portField(defaultPort).meta({ description: 'HTTP port of the service (API, liveness and readiness).' }),
    LOG_LEVEL: logLevelField().meta({ description: `Lowest level written to the JSON log: ${LOG_LEVELS.join(', ')}.` }),
    SHUTDOWN_TIMEOUT_MS: millisecondsField(15_000).meta({
      description:
        'How long a graceful shutdown (stop consuming, finish in-flight work, flush, close) may take before the process exits anyway.',
    }),
    READINESS_CHECK_TIMEOUT_MS: millisecondsField(3_000).meta({
      description: 'How long one readiness check (a dependency ping) may take before it counts as failed.',
    }),
    HTTP_BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must read like 100kb or 10mb')
      .default('1mb')
      .meta({ description: 'Largest HTTP request body accepted, like `100kb` or `10mb`.' }),
  });
}
export type ServiceEnv = z.output<ReturnType<typeof serviceEnvSchema>>;
