import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ObjectStore } from '@argus/storage';
import { ObjectNotFoundError } from '@argus/storage';

/** A package's evaluation report beside its metadata (`argus eval --report`, the few-shot pipeline); the registry stores it with the version. */
export const PACKAGE_EVALUATION_FILE = 'evaluation.json';

/** Where a package's files live: a local folder or a prefix in an object store. */
export interface ModelPackageFiles {
  /** A human name for messages: the folder or `bucket/prefix`. */
  readonly location: string;
  /** The file's bytes, or undefined when it does not exist. */
  read(name: string): Promise<Buffer | undefined>;
  write(name: string, data: Buffer | Uint8Array, contentType: string): Promise<void>;
}

/** A plain folder (what `models/` holds and `argus detect --model DIR` reads). */
export function folderPackageFiles(dir: string): ModelPackageFiles {
  return {
    location: dir,
    async read(name) {
      try {
        return await readFile(path.join(dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(name, data) {
      await mkdir(dir, { recursive: true });
      const target = path.join(dir, name);
      const staging = `${target}.partial-${process.pid}`;
      await writeFile(staging, data);
      await rename(staging, target);
    },
  };
}

/** Files under `prefix/` in an ObjectStore (S3/MinIO in production, FilesystemObjectStore locally). */
export function objectStorePackageFiles(store: ObjectStore, prefix: string): ModelPackageFiles {
  const base = prefix.replace(/\/+$/, '');
  const key = (name: string) => (base === '' ? name : `${base}/${name}`);
  return {
    location: `${store.bucket}/${base}`,
    async read(name) {
      try {
        return await store.get(key(name));
      } catch (error) {
        if (error instanceof ObjectNotFoundError) return undefined;
        throw error;
      }
    },
    async write(name, data, contentType) {
      const body = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      await store.put(key(name), body, { contentType, size: body.length });
    },
  };
}
