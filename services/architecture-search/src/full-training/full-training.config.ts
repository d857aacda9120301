import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';

const onOff = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => v === 'on' || v === 'true' || v === '1');

/**
 * Full training's variables (spread into ArchitectureSearchEnvSchema). The trainer's schedule is
 * the shipped DeepPCB model's (models/README.md); only what a deployment needs to change is here.
 */
export const FullTrainingEnvFields = {
  ARGUS_SEARCH_FULL_TRAINING: onOff.default(true).meta({
    description:
      'Whether this process takes search.training.requested.v1 requests (`on`/`off`): the full training of a chosen trial into a registered candidate, one at a time, in the group ARGUS_SEARCH_FULL_TRAINING_GROUP_ID.',
    defaultText: 'on',
  }),
  ARGUS_SEARCH_FULL_TRAINING_GROUP_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .default('architecture-search.full-training')
    .meta({ description: 'Kafka consumer group of the full-training workers (one request at a time per process).' }),
  ARGUS_SEARCH_FULL_TRAINING_EPOCHS: z.coerce.number().int().min(1).max(500).default(30).meta({
    description: "Epochs of a full training when the request names none (the shipped DeepPCB model's 30).",
  }),
  ARGUS_SEARCH_FULL_TRAINING_MAX_MINUTES: z.coerce.number().positive().default(240).meta({
    description: 'Wall-time limit of one full training in minutes; the best weights so far are packaged and registered when it is reached.',
  }),
  ARGUS_SEARCH_FULL_TRAINING_PROGRESS_SECONDS: z.coerce.number().int().min(1).max(10).default(10).meta({
    description: "Seconds between a full training's progress lines in the service log (at most 10).",
  }),
  ARGUS_SEARCH_FULL_TRAINING_SYNTHETIC_IMAGES: z.coerce.number().int().min(4).default(600).meta({
    description:
      'Training scenes rendered for a `synthetic:FEED` data source (a fifth as many for validation); real data sets are used whole.',
  }),
  ARGUS_SEARCH_FULL_TRAINING_WORK_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'argus-search-training')).meta({
    description:
      "Local folder of running full trainings (checkpoints, the package); a request's folder is removed once its candidate is registered. A request redelivered to the same machine resumes from its checkpoint.",
    defaultText: '<OS temp folder>/argus-search-training',
  }),
};
