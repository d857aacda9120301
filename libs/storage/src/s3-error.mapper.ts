import {
  BucketNotFoundError,
  ObjectNotFoundError,
  ObjectStoreAuthError,
  ObjectStoreError,
  ObjectStoreUnavailableError,
} from './object-store.errors';

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);
const AUTH = new Set([
  'AccessDenied',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidToken',
  'ExpiredToken',
  'AccountProblem',
  'RequestTimeTooSkewed',
]);
const UNAVAILABLE_S3 = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout']);
const UNAVAILABLE_NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

export interface S3ErrorContext {
  readonly bucket: string;
  readonly key?: string;
}

/**
 * Turns whatever the S3 client threw (an S3Error with an S3 `code`, a Node network error, or an
 * AggregateError from a multi-address connect) into a typed `ObjectStoreError`, keeping the
 * original as `cause`. Pure: decides on `code` and `message` only.
 */
export function toObjectStoreError(error: unknown, context: S3ErrorContext): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'NoSuchBucket') return new BucketNotFoundError(context.bucket, { cause: error });
  if (code !== undefined && NOT_FOUND.has(code)) {
    return context.key === undefined
      ? new BucketNotFoundError(context.bucket, { cause: error })
      : new ObjectNotFoundError(context.bucket, context.key, { cause: error });
  }
  if (code !== undefined && AUTH.has(code)) return new ObjectStoreAuthError(code, message, { cause: error });
  if (code !== undefined && (UNAVAILABLE_S3.has(code) || UNAVAILABLE_NETWORK.has(code))) {
    return new ObjectStoreUnavailableError(`${code}: ${message}`, { cause: error });
  }
  const what = context.key === undefined ? `bucket "${context.bucket}"` : `"${context.key}" in "${context.bucket}"`;
  return new ObjectStoreError('object-store.failed', `object store request on ${what} failed: ${message}`, {
    cause: error,
  });
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const innerCode = codeOf(inner);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return undefined;
}
