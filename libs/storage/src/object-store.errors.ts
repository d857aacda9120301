import { DomainError } from '@argus/platform';

/**
 * Errors an object store raises, domain errors of the platform. Each carries a stable `code` so HTTP filters and the messaging
 * retry policy can map it (not-found → 404 / dead-letter, unavailable → retry, ...) without
 * knowing which adapter is behind the port.
 */
export type ObjectStoreErrorCode =
  | 'object-store.invalid-key'
  | 'object-store.invalid-metadata'
  | 'object-store.not-found'
  | 'object-store.bucket-not-found'
  | 'object-store.key-conflict'
  | 'object-store.auth'
  | 'object-store.unavailable'
  | 'object-store.failed';

export class ObjectStoreError extends DomainError {
  declare readonly code: ObjectStoreErrorCode;

  constructor(code: ObjectStoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

/** The key breaks the object-key rules (see `validateObjectKey`); `problem` says which. */
export class InvalidObjectKeyError extends ObjectStoreError {
  constructor(
    readonly key: string,
    readonly problem: string,
  ) {
    super('object-store.invalid-key', `invalid object key ${JSON.stringify(truncate(key))}: ${problem}`);
  }
}

export class InvalidObjectMetadataError extends ObjectStoreError {
  constructor(readonly problem: string) {
    super('object-store.invalid-metadata', `invalid object metadata: ${problem}`);
  }
}

export class ObjectNotFoundError extends ObjectStoreError {
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super('object-store.not-found', `object "${key}" not found in bucket "${bucket}"`, options);
  }
}

export class BucketNotFoundError extends ObjectStoreError {
  constructor(
    readonly bucket: string,
    options?: { cause?: unknown },
  ) {
    super('object-store.bucket-not-found', `bucket "${bucket}" does not exist (call ensureBucket() first)`, options);
  }
}

/**
 * The key cannot coexist with an existing one. Only a filesystem-backed store raises it: it cannot
 * hold both "a" (a file) and "a/b" (which needs "a" to be a folder). S3 can.
 */
export class ObjectKeyConflictError extends ObjectStoreError {
  constructor(
    readonly key: string,
    readonly conflictingPath: string,
  ) {
    super('object-store.key-conflict', `object key "${key}" conflicts with an existing object or folder at "${conflictingPath}"`);
  }
}

/** The store refused our credentials (wrong access key or secret, or no permission). */
export class ObjectStoreAuthError extends ObjectStoreError {
  constructor(
    readonly s3Code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('object-store.auth', `object store refused the credentials (${s3Code}): ${message}`, options);
  }
}

/** The store could not be reached or asked us to slow down: worth retrying. */
export class ObjectStoreUnavailableError extends ObjectStoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('object-store.unavailable', `object store unavailable: ${message}`, options);
  }
}

function truncate(key: string): string {
  return key.length > 120 ? `${key.slice(0, 120)}…` : key;
}

/**
 * `exists` for any store whose `stat` throws ObjectNotFoundError for a missing key: true when stat
 * answers, false when the object is absent; every other error (auth, unavailable, bad key) propagates.
 */
export async function existsByStat(stat: (key: string) => Promise<unknown>, key: string): Promise<boolean> {
  try {
    await stat(key);
    return true;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return false;
    throw error;
  }
}
