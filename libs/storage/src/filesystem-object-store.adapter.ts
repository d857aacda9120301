import type { ReadinessCheck } from '@argus/platform';
import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, open, readdir, readFile, realpath, rename, rmdir, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { validateObjectKey, validateObjectKeyPrefix } from './object-key.validator';
import { validateContentType, validateObjectMetadata, validateObjectSize } from './object-metadata.validator';
import {
  BucketNotFoundError,
  existsByStat,
  InvalidObjectKeyError,
  InvalidObjectMetadataError,
  ObjectKeyConflictError,
  ObjectNotFoundError,
  ObjectStoreError,
} from './object-store.errors';
import type { ObjectListing, ObjectMetadata, ObjectStat, ObjectStore, PutObjectOptions, PutObjectResult } from './object-store.port';
import { s3BucketNameProblem } from './s3-object-store.config';

export interface FilesystemObjectStoreConfig {
  /** Folder holding one sub-folder per bucket. */
  readonly root: string;
  /** Same naming rules as an S3 bucket, so a key layout moves between adapters unchanged. */
  readonly bucket: string;
}

/** What the sidecar file next to each object holds. */
interface Sidecar {
  readonly contentType: string;
  readonly etag: string;
  readonly size: number;
  readonly metadata: ObjectMetadata;
}

const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/**
 * `ObjectStore` in a local folder, for development and single-machine installs:
 *
 *   <root>/<bucket>/objects/<key>   the bytes, at the key's path (browsable)
 *   <root>/<bucket>/meta/<key>      a JSON sidecar: content type, etag (MD5), size, metadata
 *   <root>/<bucket>/tmp/            uploads in progress
 *
 * Writes are atomic per file: the body goes to tmp/, is fsynced, then renamed into place, so a
 * reader never sees half an object. The sidecar is renamed after the body; a crash between the
 * two leaves the new bytes with the previous (or a default) content type.
 * Keys are validated, then the resolved path (symlinks included) must stay inside objects/.
 * A folder cannot also be a file: "a" and "a/b" cannot both exist (`ObjectKeyConflictError`).
 */
export class FilesystemObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly #bucketDir: string;
  readonly #objectsDir: string;
  readonly #metaDir: string;
  readonly #tmpDir: string;

  constructor(config: FilesystemObjectStoreConfig) {
    const bucketProblem = s3BucketNameProblem(config.bucket);
    if (bucketProblem) throw new TypeError(`bucket "${config.bucket}" ${bucketProblem}`);
    this.bucket = config.bucket;
    this.#bucketDir = path.resolve(config.root, config.bucket);
    this.#objectsDir = path.join(this.#bucketDir, 'objects');
    this.#metaDir = path.join(this.#bucketDir, 'meta');
    this.#tmpDir = path.join(this.#bucketDir, 'tmp');
  }

  async put(key: string, body: Buffer | Readable, options: PutObjectOptions): Promise<PutObjectResult> {
    validateObjectKey(key);
    const contentType = validateContentType(options.contentType);
    const metadata = validateObjectMetadata(options.metadata);
    const size = validateObjectSize(options.size);
    if (Buffer.isBuffer(body) && size !== undefined && size !== body.length) {
      throw new InvalidObjectMetadataError(`body has ${body.length} bytes but the declared size is ${size}`);
    }
    try {
      const target = await this.#resolve(key);
      await this.#requireBucket();
      const written = await this.#writeTemp(body, size);
      try {
        await this.#moveInto(written.tempPath, target.objectPath, key);
      } catch (error) {
        await unlink(written.tempPath).catch(() => undefined);
        throw error;
      }
      const sidecar: Sidecar = { contentType, etag: written.etag, size: written.size, metadata };
      const sidecarTemp = await this.#writeTemp(Buffer.from(JSON.stringify(sidecar)), undefined);
      await this.#moveInto(sidecarTemp.tempPath, target.metaPath, key);
      return { key, etag: written.etag };
    } catch (error) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw this.#wrap(error, key);
    }
  }

  async get(key: string): Promise<Buffer> {
    const stream = await this.getStream(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable> {
    validateObjectKey(key);
    try {
      const { objectPath } = await this.#resolve(key);
      const handle = await open(objectPath, 'r');
      try {
        if (!(await handle.stat()).isFile()) throw new ObjectNotFoundError(this.bucket, key);
      } catch (error) {
        await handle.close();
        throw error;
      }
      return handle.createReadStream({ autoClose: true });
    } catch (error) {
      throw this.#wrap(error, key);
    }
  }

  async stat(key: string): Promise<ObjectStat> {
    validateObjectKey(key);
    try {
      const { objectPath, metaPath } = await this.#resolve(key);
      const file = await stat(objectPath);
      if (!file.isFile()) throw new ObjectNotFoundError(this.bucket, key);
      const sidecar = await readSidecar(metaPath);
      const current = sidecar !== undefined && sidecar.size === file.size;
      return {
        key,
        size: file.size,
        contentType: sidecar?.contentType ?? FALLBACK_CONTENT_TYPE,
        etag: current ? sidecar.etag : `${file.size.toString(16)}-${file.mtimeMs.toString(16)}`,
        lastModified: new Date(file.mtimeMs),
        metadata: sidecar?.metadata ?? {},
      };
    } catch (error) {
      throw this.#wrap(error, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    return existsByStat((k) => this.stat(k), key);
  }

  async delete(key: string): Promise<void> {
    validateObjectKey(key);
    try {
      const { objectPath, metaPath } = await this.#resolve(key);
      await this.#requireBucket();
      const file = await stat(objectPath).catch(ignoreMissing);
      if (file?.isDirectory()) return; // "a" when only "a/b" exists: there is no object "a"
      await unlink(objectPath).catch(ignoreMissing);
      await unlink(metaPath).catch(ignoreMissing);
      await removeEmptyParents(path.dirname(objectPath), this.#objectsDir);
      await removeEmptyParents(path.dirname(metaPath), this.#metaDir);
    } catch (error) {
      throw this.#wrap(error, key);
    }
  }

  async *list(prefix = ''): AsyncIterable<ObjectListing> {
    validateObjectKeyPrefix(prefix);
    await this.#requireBucket();
    yield* this.#walk(this.#objectsDir, '', prefix);
  }

  async ensureBucket(): Promise<void> {
    for (const dir of [this.#objectsDir, this.#metaDir, this.#tmpDir]) await mkdir(dir, { recursive: true });
  }

  readinessCheck(): ReadinessCheck {
    return {
      name: 'filesystem',
      check: async () => {
        await this.#requireBucket();
        await access(this.#tmpDir, fsConstants.W_OK);
      },
    };
  }

  /** Depth-first, siblings ordered as their keys sort (a folder as "name/"), so keys come out sorted. */
  async *#walk(dir: string, dirKey: string, prefix: string): AsyncGenerator<ObjectListing> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(ignoreMissing);
    if (entries === undefined) return;
    const ordered = entries
      .filter((entry) => entry.isFile() || entry.isDirectory()) // never follow symlinks
      .map((entry) => ({ entry, sortKey: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name) }))
      .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
    for (const { entry } of ordered) {
      const key = `${dirKey}${entry.name}`;
      const entryPath = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const folderKey = `${key}/`;
        if (folderKey.startsWith(prefix) || prefix.startsWith(folderKey)) yield* this.#walk(entryPath, folderKey, prefix);
        continue;
      }
      if (!key.startsWith(prefix)) continue;
      const file = await stat(entryPath).catch(ignoreMissing);
      if (file === undefined) continue; // deleted while we walked
      const sidecar = await readSidecar(path.join(this.#metaDir, ...key.split('/')));
      yield {
        key,
        size: file.size,
        etag: sidecar !== undefined && sidecar.size === file.size ? sidecar.etag : '',
        lastModified: new Date(file.mtimeMs),
      };
    }
  }

  /**
   * The object's and sidecar's paths. Validation already refused "..", absolute paths and
   * backslashes; this also refuses a key whose path leaves objects/ once symlinks are resolved.
   */
  async #resolve(key: string): Promise<{ objectPath: string; metaPath: string }> {
    const segments = key.split('/');
    const objectPath = path.resolve(this.#objectsDir, ...segments);
    const metaPath = path.resolve(this.#metaDir, ...segments);
    if (!isInside(objectPath, this.#objectsDir) || !isInside(metaPath, this.#metaDir)) {
      throw new InvalidObjectKeyError(key, 'resolves outside the store root');
    }
    const realRoot = await realpath(this.#objectsDir).catch(ignoreMissing);
    if (realRoot === undefined) throw new BucketNotFoundError(this.bucket);
    let existing = objectPath;
    for (;;) {
      const real = await realpath(existing).catch(ignoreMissing);
      if (real !== undefined) {
        if (real !== realRoot && !isInside(real, realRoot)) {
          throw new InvalidObjectKeyError(key, 'resolves outside the store root (through a symbolic link)');
        }
        break;
      }
      existing = path.dirname(existing);
    }
    return { objectPath, metaPath };
  }

  async #requireBucket(): Promise<void> {
    const dir = await stat(this.#objectsDir).catch(ignoreMissing);
    if (!dir?.isDirectory()) throw new BucketNotFoundError(this.bucket);
  }

  async #writeTemp(body: Buffer | Readable, declaredSize: number | undefined): Promise<{ tempPath: string; etag: string; size: number }> {
    const tempPath = path.join(this.#tmpDir, `${randomUUID()}.part`);
    const handle = await open(tempPath, 'wx', 0o644);
    const md5 = createHash('md5');
    let size = 0;
    try {
      const chunks: AsyncIterable<unknown> | Iterable<Buffer> = Buffer.isBuffer(body) ? [body] : body;
      for await (const chunk of chunks) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array | string);
        size += bytes.length;
        if (declaredSize !== undefined && size > declaredSize) {
          throw new InvalidObjectMetadataError(`body is longer than the declared size ${declaredSize}`);
        }
        md5.update(bytes);
        await handle.write(bytes);
      }
      if (declaredSize !== undefined && size !== declaredSize) {
        throw new InvalidObjectMetadataError(`body has ${size} bytes but the declared size is ${declaredSize}`);
      }
      await handle.sync();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(tempPath).catch(() => undefined);
      throw error;
    }
    return { tempPath, etag: md5.digest('hex'), size };
  }

  async #moveInto(tempPath: string, destination: string, key: string): Promise<void> {
    try {
      await mkdir(path.dirname(destination), { recursive: true });
      await rename(tempPath, destination);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTEMPTY') {
        throw new ObjectKeyConflictError(key, conflictingPathOf(error, destination));
      }
      throw error;
    }
  }

  #wrap(error: unknown, key: string): ObjectStoreError {
    if (error instanceof ObjectStoreError) return error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return new ObjectNotFoundError(this.bucket, key, { cause: error });
    const message = error instanceof Error ? error.message : String(error);
    return new ObjectStoreError('object-store.failed', `filesystem object store failed on "${key}": ${message}`, {
      cause: error,
    });
  }
}

function isInside(candidate: string, dir: string): boolean {
  return candidate.startsWith(dir + path.sep);
}

function ignoreMissing(error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
  throw error;
}

async function readSidecar(metaPath: string): Promise<Sidecar | undefined> {
  const raw = await readFile(metaPath, 'utf8').catch(ignoreMissing);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as Sidecar;
  } catch {
    return undefined; // unreadable sidecar: fall back to defaults rather than lose the object
  }
}

/** Deletes now-empty folders from `dir` up to (not including) `stopAt`. */
async function removeEmptyParents(dir: string, stopAt: string): Promise<void> {
  let current = dir;
  while (isInside(current, stopAt)) {
    try {
      await rmdir(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT') return;
      throw error;
    }
    current = path.dirname(current);
  }
}

function conflictingPathOf(error: unknown, destination: string): string {
  const errorPath = (error as NodeJS.ErrnoException).path;
  return typeof errorPath === 'string' ? errorPath : destination;
}
