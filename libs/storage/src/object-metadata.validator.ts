import { InvalidObjectMetadataError } from './object-store.errors';
import type { ObjectMetadata } from './object-store.port';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Names an S3 client treats as HTTP headers rather than user metadata, so they would be lost. */
const RESERVED_NAMES = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'content-length',
  'content-md5',
  'expires',
]);
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** S3 caps user metadata at 2 KB (names plus values). */
export const MAX_OBJECT_METADATA_BYTES = 2048;
const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;\s*[a-z0-9!#$&^_.+-]+=[\x21-\x7e]+)*$/i;

export function validateContentType(contentType: unknown): string {
  if (typeof contentType !== 'string' || !CONTENT_TYPE.test(contentType) || contentType.length > 255) {
    throw new InvalidObjectMetadataError(`content type ${JSON.stringify(contentType)} is not a MIME type`);
  }
  return contentType;
}

/** Names: lowercase letters, digits and "-" (S3 lowercases them anyway); values: printable ASCII. */
export function validateObjectMetadata(metadata: ObjectMetadata | undefined): ObjectMetadata {
  if (metadata === undefined) return {};
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!NAME.test(name)) {
      throw new InvalidObjectMetadataError(`name "${name}" must be lowercase letters, digits and "-"`);
    }
    if (RESERVED_NAMES.has(name) || name.startsWith('x-amz-')) {
      throw new InvalidObjectMetadataError(`name "${name}" is reserved for HTTP headers`);
    }
    if (typeof value !== 'string' || !PRINTABLE_ASCII.test(value)) {
      throw new InvalidObjectMetadataError(`value of "${name}" must be printable ASCII`);
    }
    bytes += name.length + value.length;
  }
  if (bytes > MAX_OBJECT_METADATA_BYTES) {
    throw new InvalidObjectMetadataError(`must be at most ${MAX_OBJECT_METADATA_BYTES} bytes, is ${bytes}`);
  }
  return { ...metadata };
}

export function validateObjectSize(size: unknown): number | undefined {
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidObjectMetadataError(`size must be a non-negative integer, got ${String(size)}`);
  }
  return size;
}
