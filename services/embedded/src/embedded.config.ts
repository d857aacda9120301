import * as path from 'node:path';
import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import { byteSizeField, type Environment, loadConfig, type LoadConfigOptions, logLevelField, serviceEnvSchema } from '@argus/platform';
import { s3ConfigFromEnv } from '@argus/storage';
import { z } from 'zod';
import { SERVICE_NAME } from './service.identity';

const onOff = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');

/**
 * Variables of the embedded mode itself (PORT defaults to 3000, the console's port; LOG_LEVEL to
 * `warn`, so the terminal shows the status line rather than every service's JSON log). The
 * services' own variables (ARGUS_INGEST_*, ARGUS_INFER_*, ARGUS_MODELS_DIR, ...) keep their meaning.
 * Each field's description is its documentation, rendered into services/embedded/README.md by
 * `npm run docs:config`.
 */
export const EmbeddedEnvSchema = serviceEnvSchema(3000).extend({
  PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(3000)
    .meta({ description: 'HTTP port of the console and the upload API; 0 picks a free one (tests).' }),
  LOG_LEVEL: logLevelField('warn').meta({
    description:
      "Lowest level written to the JSON log; `warn` by default, so the terminal shows the status line rather than every service's log.",
  }),
  HOST: z.string().min(1).default('127.0.0.1').meta({ description: 'Address the HTTP server listens on.' }),
  ARGUS_DATA_DIR: z
    .string()
    .min(1)
    .default('.argus-data')
    .meta({ description: 'Where the embedded Postgres, the object store, the dead letters and the placeholder model live.' }),
  ARGUS_EMBEDDED_PG_PORT: z.coerce.number().int().min(0).max(65535).optional().meta({
    description:
      'Port of the embedded Postgres (0: a free one); unset: the port of the last start, else 54320, else a free one (so the printed URL stays the same while its port is free).',
  }),
  ARGUS_SIMULATOR: onOff.default(true).meta({ description: 'Simulated cameras on the demo lines (`on`/`off`).', defaultText: 'on' }),
  ARGUS_SIMULATOR_FPS: z.coerce
    .number()
    .positive()
    .max(1000)
    .default(2)
    .meta({ description: 'Frames per second of each simulated camera.' }),
  ARGUS_SIMULATOR_DEFECT_RATE: z.coerce.number().min(0).max(1).default(0.05).meta({
    description:
      'Share of the simulated parts that are defective (the others are their golden template: a good part). A line sees a few percent, not every part; 1 gives every scene its defects.',
  }),
  ARGUS_CONTINUAL: onOff.default(true).meta({
    description:
      "The continual fine-tune loop in this process (`on`/`off`): operators' reviews become labels, a line's triggers ask for a fine-tune job and an in-process trainer worker runs it (wasm, one job at a time) into a gated candidate. The embedded defaults suit a demo (ARGUS_FINETUNE_MIN_NEW_LABELS=20, ARGUS_FINETUNE_EPOCHS=3, ARGUS_FINETUNE_SCHEDULE_HOURS=0, ARGUS_FINETUNE_HOLDOUT_SHARE=0.3, the work folder under ARGUS_DATA_DIR); continual-fine-tune's ARGUS_FINETUNE_* variables still win.",
    defaultText: 'on',
  }),
  ARGUS_DEMO_REVIEWER: onOff.default(false).meta({
    description:
      "A scripted reviewer (`on`/`off`) for the simulated cameras' alerts: it knows each scene's true defects and, through the console's review use case as the user `demo-reviewer` (who cannot sign in), confirms an alert whose boxes match them, corrects it with the true boxes otherwise, and rejects it on a good part, so the fine-tune loop has labels to learn from. Alerts from earlier runs, uploads and other sources are left to people.",
    defaultText: 'off',
  }),
  ARGUS_DEMO_REVIEWER_PACE_SECONDS: z.coerce.number().min(0.1).max(3600).default(4).meta({
    description: 'The scripted reviewer decides one alert every this many seconds (a person at the review queue), newest first.',
  }),
  ARGUS_STATUS_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .optional()
    .meta({ description: 'How often the status line refreshes; unset: every second on a terminal, every 10 s otherwise.' }),
  ARGUS_DATA_DIR_WARN_SIZE: byteSizeField('1GiB').meta({
    description:
      'The status line warns when the data folder is larger (`none` turns it off). The folder is measured by a walk once a minute, in the background.',
  }),
});

/**
 * camera-ingest's settings whose default differs in the embedded mode (a variable that is set
 * still wins). Frame retention: the simulated cameras write a frame and its own template per
 * scene (gigabytes within the hour at the default rate), so each line's frame images are capped
 * at 128 MiB (about as much again in templates: roughly 512 MiB for the two demo lines, well under
 * the data-folder warning), with a minimum age of 2 minutes (10 minutes would already be more than the
 * cap on the factory line) and a pass every 30 s. The ages stay camera-ingest's (7d, 90d alerted,
 * reviewed never).
 */
export const EMBEDDED_SERVICE_DEFAULTS: Readonly<Record<string, string>> = {
  ARGUS_RETENTION_MAX_BYTES_PER_LINE: '128MiB',
  ARGUS_RETENTION_MIN_AGE: '2m',
  ARGUS_RETENTION_INTERVAL_SECONDS: '30',
  // continual-fine-tune in the same process: a demo sees a job after a few minutes of reviews, and
  // the trainer shares the two cores with the pipeline (in a worker thread of its own unless
  // ARGUS_FINETUNE_TRAIN_IN_THREAD=off, so it takes CPU but not the event loop), so a job's budget
  // is a few epochs. No schedule rule: a demo's jobs come from its labels.
  ARGUS_FINETUNE_MIN_NEW_LABELS: '20',
  ARGUS_FINETUNE_SCHEDULE_HOURS: '0',
  // A larger holdout than a plant's: the gates need held-out frames with true boxes, and a demo's
  // first data sets are small.
  ARGUS_FINETUNE_HOLDOUT_SHARE: '0.3',
  ARGUS_FINETUNE_EPOCHS: '3',
  ARGUS_FINETUNE_TRIGGER_INTERVAL_SECONDS: '30',
  ARGUS_FINETUNE_GATE_LATENCY_ROUNDS: '1',
};

const whenSet =
  <T>(variable: string, parse: (env: Environment) => T) =>
  (env: Environment): T | undefined =>
    env[variable]?.trim() ? parse(env) : undefined;

/**
 * The embedded mode's configuration. Each dependency is real when its address is configured and
 * embedded otherwise, independently: `kafka` when ARGUS_KAFKA_BROKERS is set (else the in-memory
 * bus), `s3` when ARGUS_S3_ENDPOINT is set (else the filesystem store), `database` when
 * ARGUS_DATABASE_URL is set (else PGlite). A bad value stops the start (exit 78) naming the variable.
 */
export function loadEmbeddedConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
  const config = loadConfig(EmbeddedEnvSchema, env, {
    ...options,
    sections: {
      kafka: whenSet('ARGUS_KAFKA_BROKERS', (vars) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME })),
      s3: whenSet('ARGUS_S3_ENDPOINT', s3ConfigFromEnv),
      database: whenSet('ARGUS_DATABASE_URL', (vars) => databaseConfigFromEnv(vars, SERVICE_NAME)),
    },
  });
  return { ...config, dataDir: path.resolve(config.ARGUS_DATA_DIR) };
}

export type EmbeddedConfig = ReturnType<typeof loadEmbeddedConfig>;
