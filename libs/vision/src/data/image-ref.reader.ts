import { readFile } from 'node:fs/promises';
import type { ImageRef } from './sample';

/** The slice of the ObjectStore port that reading sample images needs. */
export interface ObjectBytesReader {
  getObjectBytes(key: string): Promise<Uint8Array>;
}

/** Encoded bytes of a sample image, wherever its ref points. Object keys need an `ObjectBytesReader`. */
export async function readImageRef(ref: ImageRef, objects?: ObjectBytesReader): Promise<Uint8Array> {
  switch (ref.kind) {
    case 'encoded':
      return ref.bytes;
    case 'file':
      return readFile(ref.path);
    case 'object':
      if (!objects) throw new Error(`image "${ref.key}" is an object-store key, and no object store was given to read it`);
      return objects.getObjectBytes(ref.key);
  }
}

/** A short human name for a ref, for logs and error messages. */
export function describeImageRef(ref: ImageRef): string {
  switch (ref.kind) {
    case 'encoded':
      return `<${ref.format} in memory, ${ref.bytes.length} bytes>`;
    case 'file':
      return ref.path;
    case 'object':
      return `object:${ref.key}`;
  }
}
