import { z } from 'zod';
import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import {
  type Environment,
  loadConfig,
  type LoadConfigOptions,
  serviceEnvSchema,
  wholeNumberField,
  consumerGroupField,
  processNameField,
} from '@argus/platform';
import { s3ConfigFromEnv } from '@argus/storage';
import { FullTrainingEnvFields } from './full-training/full-training.config';
import { SERVICE_NAME } from './service.identity';

export const SEARCH_ROLES = ['controller', 'worker'] as const;
export type SearchRole = (typeof SEARCH_ROLES)[number];

const isRole = (text: string): text is SearchRole => (SEARCH_ROLES as readonly string[]).includes(text);
const roles = z
  .string()
  .refine((text) => text.split(',').every((role) => isRole(role.trim())), 'must list controller and/or worker, comma-separated')
  .transform((text) => [...new Set(text.split(',').map((role) => role.trim()))].filter(isRole))
  .default([...SEARCH_ROLES]);

/**
 * Variables of architecture-search itself (PORT defaults to 3004); its dependencies' variables are read
 * by their adapter libraries. Each field's description is its documentation, rendered into
 * services/architecture-search/README.md by `npm run docs:config`.
 */
export const ArchitectureSearchEnvSchema = serviceEnvSchema(3004).extend({
  ARGUS_SEARCH_ROLES: roles.meta({
    description:
      'What this process does, comma-separated: `controller` (runs the searches: requests, cancels, trial answers, progress; one per deployment is enough) and/or `worker` (trains one trial at a time from search.trial.requested.v1; add processes to go faster, one per core).',
    defaultText: 'controller,worker',
  }),
  ARGUS_SEARCH_WORKER_NICE: wholeNumberField(0, 10, 19).meta({
    description:
      "The nice value a worker process trains at on Linux (0–19; 0: as started). It applies to the process's main thread, which also runs the controller when both roles share a process.",
  }),
  ARGUS_SEARCH_DATA_ROOT: z.string().min(1).default(process.cwd()).meta({
    description:
      "Folder a relative path in a search's data source (`deeppcb:datasets/deeppcb`) is read from by the workers; absolute paths and `synthetic:` sources ignore it.",
    defaultText: '<working directory>',
  }),
  ARGUS_SEARCH_SYNTHETIC_SCENES: wholeNumberField(4, 240, 100_000).meta({
    description: 'Scenes rendered for a `synthetic:` data source (its training part; a fifth of that for its validation part, at least 2).',
  }),
  ARGUS_SEARCH_SYNTHETIC_SIZE: wholeNumberField(32, 320, 2048).meta({
    description: 'Side in pixels of the scenes rendered for a `synthetic:` data source.',
  }),
  ARGUS_SEARCH_LATENCY_SECONDS: z.coerce.number().positive().max(600).default(3).meta({
    description: "Seconds a worker times each trial's ONNX model for (as served: the search objective's batch and threads).",
  }),
  ARGUS_SEARCH_WORKER_ID: processNameField(200).meta({
    description: "Names this trial worker in the trials' records and answers.",
    defaultText: '<hostname>-<pid>',
  }),
  ARGUS_SEARCH_CONTROLLER_GROUP_ID: consumerGroupField('architecture-search.controller').meta({
    description:
      "The controller's consumer groups, one per topic: `<this>.requests` on search.run.requested.v1, `<this>.cancels` on search.run.cancel-requested.v1, `<this>.answers` on search.trial.completed.v1; one set per deployment (another deployment on the same cluster needs its own).",
  }),
  ARGUS_SEARCH_WORKERS_GROUP_ID: consumerGroupField('architecture-search.workers').meta({
    description: "The trial workers' consumer group on search.trial.requested.v1; one per deployment.",
  }),
  ARGUS_SEARCH_PROGRESS_INTERVAL_MS: wholeNumberField(100, 10_000, 3_600_000).meta({
    description:
      "How often the controller announces each running search's progress (search.run.progress.v1) when no trial answer did in between.",
  }),
  ...FullTrainingEnvFields,
});
export type ArchitectureSearchEnv = z.infer<typeof ArchitectureSearchEnvSchema>;

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadArchitectureSearchConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
  return loadConfig(ArchitectureSearchEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
      database: (vars: Environment) => databaseConfigFromEnv(vars, SERVICE_NAME),
      // Full training stores the candidate packages it registers.
      s3: (vars: Environment) => s3ConfigFromEnv(vars),
    },
  });
}

export type ArchitectureSearchConfig = ReturnType<typeof loadArchitectureSearchConfig>;
