import * as os from 'node:os';
import * as path from 'node:path';
import { onOffField } from '@argus/platform';
import { z } from 'zod';

/**
 * Full training's variables (spread into ArchitectureSearchEnvSchema). The trainer's schedule is
 * the shipped DeepPCB model's (models/README.md); only what a deployment needs to change is here.
 */
export const FullTrainingEnvFields = {
  ARGUS_SEARCH_FULL_TRAINING: onOffField.default(true).meta({
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
  ARGUS_SEARCH_GATE_MAX_CLASS_DROP: z.coerce.number().min(0).max(100).default(1).meta({
    description:
      "Gate of a fully trained search candidate: no class the line's production model detects may score more than this many AP points (AP in %) below production on the validation frames of the request's data source.",
  }),
  ARGUS_SEARCH_GATE_MIN_CLASS_INSTANCES: z.coerce.number().int().min(1).max(100_000).default(10).meta({
    description:
      "Gate: a class's AP drop is judged only where the validation frames hold at least this many of its labelled boxes (on a few boxes one box moves AP by several points); the report shows the figures either way.",
  }),
  ARGUS_SEARCH_GATE_MAX_LATENCY_RATIO: z.coerce.number().min(0.1).max(10).default(1.1).meta({
    description: "Gate: the candidate's latency, measured as detection-inference serves, at most this multiple of the production model's.",
  }),
  ARGUS_SEARCH_GATE_LATENCY_ROUNDS: z.coerce.number().int().min(1).max(50).default(7).meta({
    description:
      "Timed rounds of the latency gate, each a pass of both models over the same frames back to back (alternating which goes first, after an untimed warm-up): the median of the rounds' candidate ÷ production ratios is judged, so load from other processes cancels.",
  }),
  ARGUS_SEARCH_GATE_SERVING_BATCH: z.coerce.number().int().min(1).max(64).default(6).meta({
    description: 'Frames per batch when the gates score and time a model: set it as ARGUS_INFER_BATCH_MAX is set for detection-inference.',
  }),
  ARGUS_SEARCH_GATE_SERVING_THREADS: z.coerce.number().int().min(1).max(16).default(1).meta({
    description:
      'ONNX Runtime threads when the gates score and time a model: set it as ARGUS_INFER_THREADS is set for detection-inference.',
  }),
  ARGUS_SEARCH_FULL_TRAINING_WORK_DIR: z.string().min(1).default(path.join(os.tmpdir(), 'argus-search-training')).meta({
    description:
      "Local folder of running full trainings (checkpoints, the package); a request's folder is removed once its candidate is registered. A request redelivered to the same machine resumes from its checkpoint.",
    defaultText: '<OS temp folder>/argus-search-training',
  }),
};
