import { kafkaConfigFromEnv } from '@argus/messaging';
import { databaseConfigFromEnv } from '@argus/persistence';
import { type Environment, loadConfig, type LoadConfigOptions, secret, serviceEnvSchema } from '@argus/platform';
import { z } from 'zod';
import { s3ConfigFromEnv } from '@argus/storage';
import { SERVICE_NAME } from './service.identity';

const wholeNumber = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/**
 * Variables of camera-ingest itself (PORT defaults to 3001); its dependencies' variables are read
 * by their adapter libraries.
 * - ARGUS_CAMERA_TOKEN (secret, required): a bearer token cameras may send (besides the camera service tokens the console issues, checked in Postgres);
 * - ARGUS_INGEST_MAX_FRAME_BYTES: largest frame accepted (default 25 MiB);
 * - ARGUS_INGEST_MIN_DIMENSION / ARGUS_INGEST_MAX_DIMENSION: allowed width and height (16..8192);
 * - ARGUS_INGEST_RETRY_AFTER_SECONDS: the Retry-After of a 503 (5);
 * - ARGUS_INGEST_PUBLISH_TIMEOUT_MS: a publish slower than this answers 503 (5000);
 * - ARGUS_INGEST_SOURCES: path of a JSON file of watched folders, simulated cameras and replays.
 */
export const CameraIngestEnvSchema = serviceEnvSchema(3001)
  .extend({
    ARGUS_CAMERA_TOKEN: secret(z.string().min(16, 'must be at least 16 characters')),
    ARGUS_INGEST_MAX_FRAME_BYTES: wholeNumber(1, 25 * 1024 * 1024),
    ARGUS_INGEST_MIN_DIMENSION: wholeNumber(1, 16),
    ARGUS_INGEST_MAX_DIMENSION: wholeNumber(1, 8192),
    ARGUS_INGEST_RETRY_AFTER_SECONDS: wholeNumber(1, 5),
    ARGUS_INGEST_PUBLISH_TIMEOUT_MS: wholeNumber(1, 5000),
    ARGUS_INGEST_SOURCES: z.string().min(1).optional(),
  })
  .refine((env) => env.ARGUS_INGEST_MIN_DIMENSION <= env.ARGUS_INGEST_MAX_DIMENSION, {
    path: ['ARGUS_INGEST_MAX_DIMENSION'],
    message: 'must not be below ARGUS_INGEST_MIN_DIMENSION',
  });

/**
 * The whole configuration, parsed once at start-up. A missing or malformed variable stops the
 * process with one line naming every bad variable (exit code 78).
 */
export function loadCameraIngestConfig(
  env: Environment = process.env,
  options: Omit<LoadConfigOptions<never>, 'sections'> = {},
) {
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
