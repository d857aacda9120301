import {
  BucketNotFoundError,
  ObjectNotFoundError,
  ObjectStoreAuthError,
  ObjectStoreError,
  ObjectStoreUnavailableError,
} from './object-store.errors';
import { toObjectStoreError } from './s3-error.mapper';

function s3Error(code: string, message = 'server said no'): Error {
  return Object.assign(new Error(message), { code });
}

const onKey = { bucket: 'argus', key: 'line-1/a.png' };
const onBucket = { bucket: 'argus' };

describe('toObjectStoreError', () => {
  it.each(['NoSuchKey', 'NotFound'])('maps %s on a key to ObjectNotFoundError', (code) => {
    const mapped = toObjectStoreError(s3Error(code), onKey);
    expect(mapped).toBeInstanceOf(ObjectNotFoundError);
    expect(mapped).toMatchObject({ code: 'object-store.not-found', bucket: 'argus', key: 'line-1/a.png' });
  });

  it('maps NoSuchBucket, and NotFound on a bucket call, to BucketNotFoundError', () => {
    expect(toObjectStoreError(s3Error('NoSuchBucket'), onKey)).toBeInstanceOf(BucketNotFoundError);
    expect(toObjectStoreError(s3Error('NotFound'), onBucket)).toBeInstanceOf(BucketNotFoundError);
  });

  it.each(['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'ExpiredToken'])(
    'maps %s to ObjectStoreAuthError keeping the S3 code',
    (code) => {
      const mapped = toObjectStoreError(s3Error(code), onKey);
      expect(mapped).toBeInstanceOf(ObjectStoreAuthError);
      expect(mapped).toMatchObject({ code: 'object-store.auth', s3Code: code });
    },
  );

  it.each(['SlowDown', 'ServiceUnavailable', 'InternalError', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])(
    'maps %s to ObjectStoreUnavailableError (retryable)',
    (code) => {
      expect(toObjectStoreError(s3Error(code), onKey)).toBeInstanceOf(ObjectStoreUnavailableError);
    },
  );

  it('looks inside an AggregateError from a multi-address connect', () => {
    const aggregate = new AggregateError([s3Error('ECONNREFUSED'), s3Error('ECONNREFUSED')], 'connect failed');
    expect(toObjectStoreError(aggregate, onBucket)).toBeInstanceOf(ObjectStoreUnavailableError);
  });

  it('wraps anything else as object-store.failed with the original as cause', () => {
    const original = s3Error('InvalidPart');
    const mapped = toObjectStoreError(original, onKey);
    expect(mapped.constructor).toBe(ObjectStoreError);
    expect(mapped.code).toBe('object-store.failed');
    expect(mapped.cause).toBe(original);
    expect(toObjectStoreError('weird', onBucket).code).toBe('object-store.failed');
  });

  it('passes our own errors through unchanged', () => {
    const own = new ObjectNotFoundError('argus', 'k');
    expect(toObjectStoreError(own, onKey)).toBe(own);
  });
});
