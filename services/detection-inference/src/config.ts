import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { type Environment, loadConfig, type LoadConfigOptions, serviceEnvSchema } from '@argus/platform';
import { s3ConfigFromEnv } from '@argus/storage';
import { SERVICE_NAME } from './service.identity';

/** A whole number from `min` (to `max`, when given), `fallback` when unset. */
const wholeNumber = (min: number, fallback: number, max?: number) => {
  const number = z.coerce.number().int().min(min);
  return (max === undefined ? number : number.max(max)).default(fallback);
};

/**
 * Variables of detection-inference itself (PORT defaults to 3002); its dependencies' variables are read
 * by their adapter libraries. Each field's description is its documentation, rendered into
 * services/detection-inference/README.md by `npm run docs:config`.
 */
export const DetectionInferenceEnvSchema = serviceEnvSchema(3002).extend({
  ARGUS_INFER_BATCH_MAX: wholeNumber(1, 6, 64).meta({
    description: 'Largest micro-batch. Useful up to ARGUS_INFER_CONCURRENCY (frames in flight per member).',
  }),
  ARGUS_INFER_BATCH_WAIT_MS: wholeNumber(0, 10, 10_000).meta({
    description: 'Longest a frame waits for its batch to fill, in milliseconds.',
  }),
  ARGUS_INFER_CONCURRENCY: wholeNumber(1, 6, 64).meta({
    description: 'Partitions of inspection.frame.ingested.v1 this member handles in parallel (one frame at a time each).',
  }),
  ARGUS_INFER_CAMERAS_PER_PARTITION: wholeNumber(1, 6, 64).meta({
    description:
      "Cameras of ONE partition whose frames are handled at once (each camera's frames stay in order, offsets are committed in order). Keys hash to partitions unevenly (a few cameras often share fewer partitions), so without it a busy partition is scored one frame at a time.",
  }),
  ARGUS_INFER_READ_AHEAD: wholeNumber(0, 6, 64).meta({
    description:
      "Frames of a camera scored ahead of the one whose results are being written, so the model works meanwhile instead of waiting for the writes. At most ARGUS_INFER_BATCH_MAX frames are read ahead at once over all cameras; each camera's results are still written, and its alerts decided, one frame at a time in order. 0 turns it off.",
  }),
  ARGUS_INFER_STATS_INTERVAL_MS: wholeNumber(0, 60_000).meta({
    description: "How often the model worker's load (frames, batch size, busy share) is logged at info; 0: never.",
  }),
  ARGUS_INFER_WORKERS: wholeNumber(1, 2, 16).meta({
    description:
      'Model worker threads, each with its own ONNX Runtime sessions, each scoring its own batch. On a machine the model shares with other processes, several single-threaded workers beat one worker with as many intra-op threads (see docs/performance.md). Give the model about ARGUS_INFER_WORKERS × ARGUS_INFER_THREADS cores.',
  }),
  ARGUS_INFER_THREADS: wholeNumber(1, 1, 16).meta({ description: 'ONNX Runtime intra-op threads of each model worker.' }),
  ARGUS_INFER_HEAP_GROWING_PERCENT: wholeNumber(0, 100, 1000).meta({
    description:
      "V8's heap growing factor for this process, in percent above the live heap after a full GC: the default keeps the model worker out of back-to-back full GCs (V8's own choice for it is much lower: see libs/vision's model-heap.ts); 0 leaves it to V8.",
  }),
  ARGUS_INFER_MODEL_POINTER_TTL_MS: wholeNumber(0, 0).meta({
    description:
      "How long a line's production pointer read from Postgres is trusted. 0: read at every batch start, so every frame whose batch starts after a promotion committed uses the new version.",
  }),
  ARGUS_INFER_LINE_POLICY_TTL_MS: wholeNumber(0, 2_000, 600_000).meta({
    description:
      "How long a line's alert rules and settings read from Postgres are reused (every frame needs them; reading them per frame costs a round trip each). An edit reaches the frames within it.",
  }),
  ARGUS_INFER_SHADOW_SHARE: z.coerce.number().min(0).max(1).default(0.25).meta({
    description:
      "The share of a line's frames that its shadow model (a candidate on trial, see docs/ml/continual-loop.md) also scores, chosen by a hash of the frame id. The shadow runs on a model worker of its own and skips frames while production has frames waiting for a batch, or while its own batch is full; the skips are counted in the load log line. 0: no shadow scoring.",
  }),
  ARGUS_INFER_SHADOW_POINTER_TTL_MS: wholeNumber(0, 5_000, 600_000).meta({
    description:
      "How long a line's shadow pointer read from Postgres is trusted. model.version.shadowed.v1 and model.version.promoted.v1 refresh it at once; the TTL bounds how late an instance that missed one notices.",
  }),
  ARGUS_MODEL_CACHE_DIR: z
    .string()
    .min(1)
    .default(path.join(os.tmpdir(), 'argus-model-cache'))
    .meta({ description: 'Local copies of model packages.', defaultText: '<OS temp folder>/argus-model-cache' }),
  ARGUS_MODELS_DIR: z
    .string()
    .default(path.resolve(__dirname, '..', '..', '..', 'models'))
    .meta({
      description: 'Shipped model packages (`<dir>/<name>/metadata.json`), registered at start-up. Empty: none.',
      defaultText: '<repository>/models',
    }),
  ARGUS_INFER_GROUP_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .default('detection-inference')
    .meta({
      description:
        'The consumer group on inspection.frame.ingested.v1 that the members of one deployment share. Another deployment on the same cluster (a test run, a second plant) needs its own.',
    }),
  ARGUS_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .default(`${os.hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100))
    .meta({
      description: "Names this instance's own promotion consumer group (every instance sees every promotion).",
      defaultText: '<hostname>-<pid>',
    }),
});

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadDetectionInferenceConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
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
/** detection-inference's own variables, without its adapters' sections (what the embedded mode parses). */
export type DetectionInferenceEnv = z.output<typeof DetectionInferenceEnvSchema>;
