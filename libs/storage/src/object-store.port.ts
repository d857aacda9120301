import type { ReadinessCheck } from '@argus/platform';
import type { Readable } from 'node:stream';

/** User metadata: lowercase header-safe names, printable ASCII values (they travel as HTTP headers). */
export type ObjectMetadata = Readonly<Record<string, string>>;

export interface PutObjectOptions {
  /** MIME type, e.g. `image/jpeg`. Required: a frame without one cannot be decoded reliably. */
  readonly contentType: string;
  /** Byte length when known. Lets a stream go up in one request or a right-sized multipart. */
  readonly size?: number;
  readonly metadata?: ObjectMetadata;
}

export interface PutObjectResult {
  readonly key: string;
  /** Opaque version tag. A multipart upload on S3 has a `-<parts>` suffix. */
  readonly etag: string;
}

export interface ObjectStat {
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
  readonly etag: string;
  readonly lastModified: Date;
  readonly metadata: ObjectMetadata;
}

export interface ObjectListing {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
}

/**
 * The object store the services see: frames, golden templates and model artifacts live here.
 * One instance is bound to one bucket. Every key is validated (`validateObjectKey`) before any
 * I/O; a bad key throws `InvalidObjectKeyError`. Absent objects throw `ObjectNotFoundError`.
 */
export interface ObjectStore {
  readonly bucket: string;
  /** Overwrites an existing object. A Readable of unknown length is streamed, never buffered whole. */
  put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<PutObjectResult>;
  get(key: string): Promise<Buffer>;
  getStream(key: string): Promise<Readable>;
  stat(key: string): Promise<ObjectStat>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting an absent object succeeds. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix`, in ascending UTF-8 byte order of key. */
  list(prefix?: string): AsyncIterable<ObjectListing>;
  /** Creates the bucket (or root folder) when missing. Safe to call concurrently and repeatedly. */
  ensureBucket(): Promise<void>;
  readinessCheck(): ReadinessCheck;
}
