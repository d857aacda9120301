import type { ReadinessCheck } from '@argus/platform';
import { Client, type BucketItem } from 'minio';
import { Readable } from 'node:stream';
import { validateObjectKey, validateObjectKeyPrefix } from './object-key.validator';
import { validateContentType, validateObjectMetadata, validateObjectSize } from './object-metadata.validator';
import { BucketNotFoundError, existsByStat, InvalidObjectMetadataError, ObjectNotFoundError } from './object-store.errors';
import type { ObjectListing, ObjectMetadata, ObjectStat, ObjectStore, PutObjectOptions, PutObjectResult } from './object-store.port';
import { toObjectStoreError } from './s3-error.mapper';
import { s3BucketNameProblem, type S3ObjectStoreConfig } from './s3-object-store.config';
import { StreamPartReader } from './stream-part.reader';

const USER_METADATA_PREFIX = 'x-amz-meta-';
const MAX_PARTS = 10_000;
const FALLBACK_CONTENT_TYPE = 'application/octet-stream';
/** Headers the client returns in `metaData` next to the user metadata. */
const HEADERS_NOT_METADATA = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'if-none-match',
  'if-match',
]);

/**
 * `ObjectStore` over the `minio` client: works against MinIO and any S3 API (S3Proxy in tests).
 * Path-style addressing, region fixed from config (no GetBucketLocation round trip), multipart
 * above `partSize` (the client splits the stream), and the client's own retries switched off: it
 * retries 5xx answers by re-sending a body stream it has already consumed, and logs through
 * console. Callers retry through the messaging policy, on `ObjectStoreUnavailableError`.
 *
 * Never call `listenBucketNotification`: it crashes the process against non-MinIO servers.
 */
export class MinioObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly #client: Client;
  readonly #region: string;
  readonly #partSize: number;

  constructor(config: S3ObjectStoreConfig) {
    const bucketProblem = s3BucketNameProblem(config.bucket);
    if (bucketProblem) throw new TypeError(`bucket "${config.bucket}" ${bucketProblem}`);
    this.bucket = config.bucket;
    this.#region = config.region;
    this.#partSize = config.partSize;
    this.#client = new Client({
      endPoint: config.endPoint,
      port: config.port,
      useSSL: config.useSSL,
      accessKey: config.accessKey,
      secretKey: config.secretKey.reveal(),
      region: config.region,
      pathStyle: true,
      partSize: config.partSize,
      retryOptions: { disableRetry: true },
    });
  }

  async put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<PutObjectResult> {
    validateObjectKey(key);
    const headers = this.#headersFor(options);
    const size = validateObjectSize(options.size);
    if (Buffer.isBuffer(body)) {
      if (size !== undefined && size !== body.length) throw sizeMismatch(body.length, size);
      if (body.length <= this.#partSize) return this.#putBuffer(key, body, headers);
      // The client's own multipart sends a large buffer as one oversized part; ours splits it.
      return this.#putStream(key, Readable.from([body]), headers, body.length);
    }
    if (size !== undefined && size > this.#partSize * MAX_PARTS) {
      body.destroy();
      throw new InvalidObjectMetadataError(`size ${size} exceeds ${MAX_PARTS} parts of ${this.#partSize} bytes; raise the part size`);
    }
    return this.#putStream(key, body, headers, size);
  }

  async #putBuffer(key: string, body: Buffer, headers: Record<string, string>): Promise<PutObjectResult> {
    try {
      const { etag } = await this.#client.putObject(this.bucket, key, body, body.length, headers);
      return { key, etag };
    } catch (error) {
      throw toObjectStoreError(error, { bucket: this.bucket, key });
    }
  }

  /**
   * A stream that ends within one part goes up in a single PUT; a longer one as a multipart
   * upload of `partSize` parts, one part in memory at a time. We drive the multipart calls
   * ourselves rather than hand the body to `client.putObject`, which (8.0.x) pipes the source
   * without forwarding its errors (a source failing half-way leaves the upload pending and open
   * on the server) and sends a large Buffer as one oversized part. Here a failure aborts the
   * upload, destroys the source and rejects.
   */
  async #putStream(
    key: string,
    source: Readable,
    headers: Record<string, string>,
    declaredSize: number | undefined,
  ): Promise<PutObjectResult> {
    const reader = new StreamPartReader(source, this.#partSize);
    let uploadId: string | undefined;
    try {
      let part = await reader.next();
      checkSize(reader.bytesRead, declaredSize, part.last);
      if (part.last) return await this.#putBuffer(key, part.bytes, headers);
      uploadId = await this.#client.initiateNewMultipartUpload(this.bucket, key, headers);
      const etags: { part: number; etag: string }[] = [];
      for (let partNumber = 1; ; partNumber++) {
        if (partNumber > MAX_PARTS) {
          throw new InvalidObjectMetadataError(`stream exceeds ${MAX_PARTS} parts of ${this.#partSize} bytes`);
        }
        // An empty final part happens when the length is an exact multiple of the part size.
        if (part.bytes.length > 0) {
          const uploaded = await this.#client.uploadPart(
            { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} },
            part.bytes,
          );
          etags.push({ part: partNumber, etag: uploaded.etag });
        }
        if (part.last) break;
        part = await reader.next();
        checkSize(reader.bytesRead, declaredSize, part.last);
      }
      const { etag } = await this.#client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      return { key, etag };
    } catch (error) {
      await reader.abandon().catch(() => undefined);
      if (uploadId !== undefined) {
        // Best effort: a lifecycle rule on the bucket sweeps uploads we fail to abort.
        await this.#client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      }
      throw toObjectStoreError(error, { bucket: this.bucket, key });
    }
  }

  async get(key: string): Promise<Buffer> {
    const stream = await this.getStream(key);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw toObjectStoreError(error, { bucket: this.bucket, key });
    }
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable> {
    validateObjectKey(key);
    try {
      return await this.#client.getObject(this.bucket, key);
    } catch (error) {
      throw toObjectStoreError(error, { bucket: this.bucket, key });
    }
  }

  async stat(key: string): Promise<ObjectStat> {
    validateObjectKey(key);
    try {
      const stat = await this.#client.statObject(this.bucket, key);
      const headers = lowercaseKeys(stat.metaData);
      return {
        key,
        size: stat.size,
        contentType: stringOr(headers['content-type'], FALLBACK_CONTENT_TYPE),
        etag: stat.etag,
        lastModified: stat.lastModified,
        metadata: userMetadataOf(headers),
      };
    } catch (error) {
      throw toObjectStoreError(error, { bucket: this.bucket, key });
    }
  }

  async exists(key: string): Promise<boolean> {
    return existsByStat((k) => this.stat(k), key);
  }

  async delete(key: string): Promise<void> {
    validateObjectKey(key);
    try {
      await this.#client.removeObject(this.bucket, key);
    } catch (error) {
      const mapped = toObjectStoreError(error, { bucket: this.bucket, key });
      if (mapped instanceof ObjectNotFoundError) return;
      throw mapped;
    }
  }

  async *list(prefix = ''): AsyncIterable<ObjectListing> {
    validateObjectKeyPrefix(prefix);
    const stream = this.#client.listObjectsV2(this.bucket, prefix, true);
    try {
      for await (const item of stream as AsyncIterable<BucketItem>) {
        if (item.name === undefined) continue; // common prefixes: not returned when recursive
        yield { key: item.name, size: item.size, etag: item.etag, lastModified: item.lastModified };
      }
    } catch (error) {
      throw toObjectStoreError(error, { bucket: this.bucket });
    } finally {
      stream.destroy();
    }
  }

  async ensureBucket(): Promise<void> {
    try {
      if (await this.#client.bucketExists(this.bucket)) return;
      await this.#client.makeBucket(this.bucket, this.#region);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // Another process created it between our check and our create: that is what we wanted.
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
      throw toObjectStoreError(error, { bucket: this.bucket });
    }
  }

  readinessCheck(): ReadinessCheck {
    return {
      name: 's3',
      check: async () => {
        let exists: boolean;
        try {
          exists = await this.#client.bucketExists(this.bucket);
        } catch (error) {
          throw toObjectStoreError(error, { bucket: this.bucket });
        }
        if (!exists) throw new BucketNotFoundError(this.bucket);
      },
    };
  }

  #headersFor(options: PutObjectOptions): Record<string, string> {
    const headers: Record<string, string> = { 'Content-Type': validateContentType(options.contentType) };
    for (const [name, value] of Object.entries(validateObjectMetadata(options.metadata))) {
      headers[`${USER_METADATA_PREFIX}${name}`] = value;
    }
    return headers;
  }
}

function sizeMismatch(actual: number, declared: number): InvalidObjectMetadataError {
  return new InvalidObjectMetadataError(`body has ${actual} bytes but the declared size is ${declared}`);
}

/** Fails as soon as the stream is longer than declared, or at its end when it is shorter. */
function checkSize(bytesRead: number, declared: number | undefined, ended: boolean): void {
  if (declared === undefined) return;
  if (bytesRead > declared) {
    throw new InvalidObjectMetadataError(`body is longer than the declared size ${declared}`);
  }
  if (ended && bytesRead !== declared) throw sizeMismatch(bytesRead, declared);
}

function lowercaseKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * The client hands back user metadata with its `x-amz-meta-` prefix stripped, mixed with the
 * headers it keeps (content-type, cache-control, x-amz-*...). Names we allow for user metadata
 * never collide with those (see `validateObjectMetadata`), so anything else is user metadata.
 */
function userMetadataOf(headers: Record<string, unknown>): ObjectMetadata {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (HEADERS_NOT_METADATA.has(name) || name.startsWith('x-amz-') || typeof value !== 'string') continue;
    metadata[name] = value;
  }
  return metadata;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
