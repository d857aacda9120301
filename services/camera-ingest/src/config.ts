import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import {
  byteSizeField,
  durationField,
  type Environment,
  loadConfig,
  type LoadConfigOptions,
  secret,
  serviceEnvSchema,
} from '@argus/platform';
import { z } from 'zod';
import { s3ConfigFromEnv } from '@argus/storage';
import { SERVICE_NAME } from './service.identity';

const wholeNumber = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/**
 * Variables of camera-ingest itself (PORT defaults to 3001); its dependencies' variables are read
 * by their adapter libraries. Each field's description is its documentation, rendered into
 * services/camera-ingest/README.md by `npm run docs:config`.
 *
 * Frame retention (the retention worker; `src/retention/`). Each pass deletes, line by line and in
 * batches, the frames that expired and everything keyed by them: rows (frame, frame_inference,
 * detection, alert) first in one transaction, then the objects (the frame image, and its
 * per-frame template once no frame names it), so a crash in between leaves at worst objects
 * without rows, never a row without its object; an object modified more than 60 s after its
 * frame's row was recorded was written again (the same frame sent again, a shared template stored
 * for a new frame) and is left. A line overrides the ages and the cap in its settings JSON:
 * `{"retention": {"maxAge": "3d", "alertedMaxAge": "30d", "reviewedMaxAge": "never", "maxBytes":
 * "2GiB"}}` (a bad value is logged and its default used).
 */
export const CameraIngestEnvSchema = serviceEnvSchema(3001)
  .extend({
    ARGUS_CAMERA_TOKEN: secret(z.string().min(16, 'must be at least 16 characters')).meta({
      description:
        'A bearer token cameras may send (besides the camera service tokens the console issues, checked in Postgres); at least 16 characters.',
    }),
    ARGUS_INGEST_MAX_FRAME_BYTES: wholeNumber(1, 25 * 1024 * 1024).meta({ description: 'Largest frame accepted, in bytes (25 MiB).' }),
    ARGUS_INGEST_MIN_DIMENSION: wholeNumber(1, 16).meta({ description: 'Smallest width and height accepted, in pixels.' }),
    ARGUS_INGEST_MAX_DIMENSION: wholeNumber(1, 8192).meta({
      description: 'Largest width and height accepted, in pixels; not below ARGUS_INGEST_MIN_DIMENSION.',
    }),
    ARGUS_INGEST_RETRY_AFTER_SECONDS: wholeNumber(1, 5).meta({ description: 'The Retry-After of a 503 answer, in seconds.' }),
    ARGUS_INGEST_PUBLISH_TIMEOUT_MS: wholeNumber(1, 5000).meta({
      description: 'A publish to Kafka slower than this answers 503 (the camera sends again later).',
    }),
    ARGUS_INGEST_SOURCES: z.string().min(1).optional().meta({
      description:
        'Path of a JSON file of watched folders, simulated cameras and dataset replays (`src/sources/`); unset: HTTP upload only.',
    }),
    ARGUS_RETENTION_MAX_AGE: durationField('7d').meta({
      description:
        'Frames without an alert are kept this long after ingest: a week of production to look back on, then they are only disk. Durations read like `90s`, `10m`, `36h`, `7d`, `2w` or `never`.',
    }),
    ARGUS_RETENTION_ALERTED_MAX_AGE: durationField('90d').meta({
      description:
        'Frames with an alert nobody reviewed: a quarter for operators to work through the queue, and for engineers to mine unreviewed alerts. Kept at least as long as frames without an alert.',
    }),
    ARGUS_RETENTION_REVIEWED_MAX_AGE: durationField('never').meta({
      description:
        "Frames with a reviewed alert: the operators' decisions are the training data of continual fine-tuning (deleting the frame deletes its reviews). Kept at least as long as alerted frames.",
    }),
    ARGUS_RETENTION_MAX_BYTES_PER_LINE: byteSizeField('none').meta({
      description:
        "Cap on each line's frame images (`frame.byte_size`; a per-frame template adds about as much again); over it the line's oldest frames without alerts go first, then its oldest alerted frames; reviewed frames never go for size. Sizes read like `500000`, `512MiB`, `2GB` or `none` (the embedded mode sets one).",
    }),
    ARGUS_RETENTION_MIN_AGE: durationField('10m')
      .refine((ms) => ms !== null, 'must be a duration (a minimum age cannot be never)')
      .meta({
        description: "The size cap never removes a frame younger than this: it may still be in the pipeline or on an operator's screen.",
      }),
    ARGUS_RETENTION_INTERVAL_SECONDS: wholeNumber(0, 60).meta({
      description: 'Seconds between the end of a retention pass and the next; 0 turns retention off.',
    }),
    ARGUS_RETENTION_BATCH_SIZE: wholeNumber(1, 200)
      .pipe(z.number().max(10_000))
      .meta({ description: 'Frames per delete transaction (at most 10000).' }),
    ARGUS_RETENTION_BATCH_PAUSE_MS: wholeNumber(0, 100).meta({
      description: 'Pause between delete batches, so a large backlog is worked off without holding the database from the pipeline.',
    }),
  })
  .refine((env) => env.ARGUS_INGEST_MIN_DIMENSION <= env.ARGUS_INGEST_MAX_DIMENSION, {
    path: ['ARGUS_INGEST_MAX_DIMENSION'],
    message: 'must not be below ARGUS_INGEST_MIN_DIMENSION',
  });

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadCameraIngestConfig(env: Environment = process.env, options: Omit<LoadConfigOptions<never>, 'sections'> = {}) {
  return loadConfig(CameraIngestEnvSchema, env, {
    ...options,
    sections: {
      kafka: (vars: Environment) => kafkaConfigFromEnv(vars, { clientId: SERVICE_NAME }),
      database: (vars: Environment) => databaseConfigFromEnv(vars, SERVICE_NAME),
      s3: s3ConfigFromEnv,
    },
  });
}

export type CameraIngestConfig = ReturnType<typeof loadCameraIngestConfig>;
/** camera-ingest's own variables, without its adapters' sections (what the embedded mode parses). */
export type CameraIngestEnv = z.output<typeof CameraIngestEnvSchema>;
