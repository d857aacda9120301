import { Secret } from '@argus/platform';
import { z } from 'zod';

export const DEFAULT_S3_REGION = 'us-east-1';
export const DEFAULT_S3_BUCKET = 'argus';
/** Parts of a multipart upload. S3 requires at least 5 MiB (except the last part). */
export const MIN_S3_PART_SIZE = 5 * 1024 * 1024;
export const MAX_S3_PART_SIZE = 5 * 1024 * 1024 * 1024;
/**
 * 16 MiB: a stream of unknown length is buffered one part at a time, so this bounds memory per
 * upload; with S3's 10 000-part limit it still allows objects up to 160 GiB.
 */
export const DEFAULT_S3_PART_SIZE = 16 * 1024 * 1024;

export interface S3ObjectStoreConfig {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: Secret;
  readonly region: string;
  readonly bucket: string;
  /** Objects larger than this go up as multipart uploads of parts this size. */
  readonly partSize: number;
}

/** A configuration variable is missing or malformed. The message names it, never its value if secret. */
export class S3ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'S3ConfigError';
  }
}

/**
 * The variables {@link s3ConfigFromEnv} reads, described for people: `npm run docs:config` renders
 * them into libs/storage/README.md, and a unit test checks the parser reads exactly these. The
 * parsing (and its messages) stays in the function.
 */
export const S3EnvSchema = z.object({
  ARGUS_S3_ENDPOINT: z.string().meta({ description: '`http(s)://host:port` of the S3 API (MinIO, S3Proxy), no path and no credentials.' }),
  ARGUS_S3_ACCESS_KEY: z.string().meta({ description: 'Access key id.' }),
  ARGUS_S3_SECRET_KEY: z.string().meta({ secret: true, description: 'Secret key.' }),
  ARGUS_S3_REGION: z.string().default(DEFAULT_S3_REGION).meta({ description: 'Region name, like `us-east-1`.' }),
  ARGUS_S3_BUCKET: z
    .string()
    .default(DEFAULT_S3_BUCKET)
    .meta({ description: 'Bucket of frames, templates and model packages (S3 bucket naming rules).' }),
  ARGUS_S3_PART_SIZE_MIB: z
    .string()
    .default(String(DEFAULT_S3_PART_SIZE / 2 ** 20))
    .meta({
      description:
        'Objects larger than this go up as multipart uploads of parts this size, in MiB (5 to 5120). A stream of unknown length is buffered one part at a time, so it bounds memory per upload.',
    }),
});

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads ARGUS_S3_ENDPOINT (http(s)://host:port), ARGUS_S3_ACCESS_KEY, ARGUS_S3_SECRET_KEY,
 * ARGUS_S3_REGION (default us-east-1), ARGUS_S3_BUCKET (default "argus") and
 * ARGUS_S3_PART_SIZE_MIB (default 16). Throws `S3ConfigError` naming the first bad variable.
 */
export function s3ConfigFromEnv(env: Env): S3ObjectStoreConfig {
  const endpoint = parseEndpoint(required(env, 'ARGUS_S3_ENDPOINT'));
  const accessKey = required(env, 'ARGUS_S3_ACCESS_KEY');
  const secretKey = new Secret(required(env, 'ARGUS_S3_SECRET_KEY'));
  const region = optional(env, 'ARGUS_S3_REGION') ?? DEFAULT_S3_REGION;
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(region)) {
    throw new S3ConfigError('ARGUS_S3_REGION', `must be a region name like "us-east-1", got "${region}"`);
  }
  const bucket = optional(env, 'ARGUS_S3_BUCKET') ?? DEFAULT_S3_BUCKET;
  const bucketProblem = s3BucketNameProblem(bucket);
  if (bucketProblem) throw new S3ConfigError('ARGUS_S3_BUCKET', `${bucketProblem}, got "${bucket}"`);
  return { ...endpoint, accessKey, secretKey, region, bucket, partSize: parsePartSize(env) };
}

/** S3 bucket naming rules (the subset MinIO and S3Proxy both enforce). */
export function s3BucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return 'must be 3 to 63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) {
    return 'must be lowercase letters, digits, "." and "-", starting and ending with a letter or digit';
  }
  if (bucket.includes('..')) return 'must not contain ".."';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return 'must not look like an IP address';
  return undefined;
}

function parseEndpoint(raw: string): Pick<S3ObjectStoreConfig, 'endPoint' | 'port' | 'useSSL'> {
  const variable = 'ARGUS_S3_ENDPOINT';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new S3ConfigError(variable, `must be a URL like http://127.0.0.1:9000, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new S3ConfigError(variable, `must use http or https, got "${url.protocol}"`);
  }
  if (url.username || url.password) {
    throw new S3ConfigError(variable, 'must not carry credentials; use ARGUS_S3_ACCESS_KEY/ARGUS_S3_SECRET_KEY');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new S3ConfigError(variable, `must be scheme://host:port with no path, got "${raw}"`);
  }
  const useSSL = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : useSSL ? 443 : 80;
  // URL keeps IPv6 literals in brackets; the minio client wants the bare address.
  const endPoint = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { endPoint, port, useSSL };
}

function parsePartSize(env: Env): number {
  const raw = optional(env, 'ARGUS_S3_PART_SIZE_MIB');
  if (raw === undefined) return DEFAULT_S3_PART_SIZE;
  const mib = Number(raw);
  if (!/^\d+$/.test(raw) || mib < MIN_S3_PART_SIZE / 2 ** 20 || mib > MAX_S3_PART_SIZE / 2 ** 20) {
    throw new S3ConfigError('ARGUS_S3_PART_SIZE_MIB', `must be a whole number of MiB from 5 to 5120, got "${raw}"`);
  }
  return mib * 2 ** 20;
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new S3ConfigError(name, 'is required but not set');
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
