import * as os from 'node:os';
import { z } from 'zod';

/** A TCP port, e.g. `PORT=3001`. */
export function portField(defaultPort: number) {
  return z.coerce.number().int().min(1).max(65535).default(defaultPort);
}

/** A positive duration in milliseconds, e.g. `SHUTDOWN_TIMEOUT_MS=15000`. */
export function millisecondsField(defaultMs: number) {
  return z.coerce.number().int().positive().default(defaultMs);
}

/** A whole number from `min` (to `max`, when given), `fallback` when unset. */
export function wholeNumberField(min: number, fallback: number, max?: number) {
  const number = z.coerce.number().int().min(min);
  return (max === undefined ? number : number.max(max)).default(fallback);
}

/** A Kafka consumer group id, `fallback` when unset. */
export function consumerGroupField(fallback: string) {
  return z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .default(fallback);
}

/** A name for this process (a worker, an instance): `<hostname>-<pid>` when unset, at most `maxLength` characters. */
export function processNameField(maxLength: number) {
  const pattern = new RegExp(`^[A-Za-z0-9._-]{1,${maxLength}}$`);
  return z
    .string()
    .regex(pattern)
    .default(`${os.hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, maxLength));
}

/** A switch: `on`/`off` (also `true`/`false`, `1`/`0`); callers give the default. */
export const onOffField = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');

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
