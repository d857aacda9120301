import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import { type Environment, loadConfig, type LoadConfigOptions, secret, serviceEnvSchema } from '@argus/platform';
import { z } from 'zod';
import { s3ConfigFromEnv } from '@argus/storage';
import { SERVICE_NAME } from './service.identity';

const flag = z
  .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/**
 * Variables of console itself (PORT defaults to 3000); its dependencies' variables are read
 * by their adapter libraries. Each field's description is its documentation, rendered into
 * services/console/README.md by `npm run docs:config`.
 */
export const ConsoleEnvSchema = serviceEnvSchema(3000)
  .extend({
    HTTP_BODY_LIMIT: z
      .string()
      .regex(/^\d+(b|kb|mb)$/i, 'must read like 100kb or 10mb')
      .default('256kb')
      .meta({ description: "Largest JSON body, like `100kb` or `10mb` (the default is the API contract's limit)." }),
    ARGUS_CONSOLE_SESSION_TTL_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(43_200)
      .default(480)
      .meta({ description: 'How long a sign-in lasts, in minutes (at most 30 days).' }),
    ARGUS_CONSOLE_SECURE_COOKIE: flag.meta({ description: 'Mark the session cookie Secure (`true` behind HTTPS).' }),
    ARGUS_CONSOLE_ADMIN_USERNAME: z.string().trim().min(1).optional().meta({
      description:
        'The first admin, created at start-up when missing, never overwritten; set together with ARGUS_CONSOLE_ADMIN_PASSWORD, or neither.',
    }),
    ARGUS_CONSOLE_ADMIN_PASSWORD: secret(z.string().min(10, 'must be at least 10 characters')).optional().meta({
      description: "The first admin's password (at least 10 characters); set together with ARGUS_CONSOLE_ADMIN_USERNAME, or neither.",
    }),
    ARGUS_CONSOLE_ADAPT_START: z.enum(['scratch', 'finetune', 'meta']).default('finetune').meta({
      description:
        "The new-line wizard's default start of an adaptation: `finetune` (the nearest production model, backbone frozen), `meta` (a meta-learned initialisation) or `scratch`; set it to whichever wins `npm run bench:fewshot`.",
    }),
    ARGUS_CONSOLE_ADAPT_BUDGET_SECONDS: z.coerce
      .number()
      .int()
      .min(10)
      .max(3600)
      .default(120)
      .meta({ description: "The new-line wizard's default wall-clock budget of an adaptation, in seconds." }),
    ARGUS_CONSOLE_WEB_DIR: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The built web UI served at `/`; unset: services/console/web/dist.' }),
  })
  .refine((env) => (env.ARGUS_CONSOLE_ADMIN_USERNAME === undefined) === (env.ARGUS_CONSOLE_ADMIN_PASSWORD === undefined), {
    path: ['ARGUS_CONSOLE_ADMIN_PASSWORD'],
    message: 'set ARGUS_CONSOLE_ADMIN_USERNAME and ARGUS_CONSOLE_ADMIN_PASSWORD together, or neither',
  });
export type ConsoleEnv = z.output<typeof ConsoleEnvSchema>;

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadConsoleConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
  return loadConfig(ConsoleEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
      database: (vars: Environment) => databaseConfigFromEnv(vars, SERVICE_NAME),
      // Frame images and golden templates the review pages show.
      s3: s3ConfigFromEnv,
    },
  });
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
