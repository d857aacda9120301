import type { IncomingMessage } from 'node:http';
import { CommonErrorCodes, DomainError } from '@argus/platform';

/** An uploaded image's largest size: a golden template or a camera frame, never a bulk archive. */
export const MAX_IMAGE_UPLOAD_BYTES = 25 * 1024 * 1024;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'application/octet-stream']);

/**
 * Reads an image sent as the request body (`Content-Type: image/png`, `image/jpeg`, or
 * `application/octet-stream` to let the bytes decide): what a browser sends with `fetch(url, { body: file })`.
 * The JSON parser leaves these bodies alone, so the stream is still unread here.
 */
export async function readImageUpload(request: IncomingMessage, maxBytes = MAX_IMAGE_UPLOAD_BYTES): Promise<Uint8Array> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!IMAGE_TYPES.has(type)) {
    throw new DomainError(
      CommonErrorCodes.unsupportedMediaType,
      `send the image as the body with Content-Type image/png or image/jpeg, not "${type || 'none'}"`,
    );
  }
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

function tooLarge(maxBytes: number): DomainError {
  return new DomainError(CommonErrorCodes.payloadTooLarge, `the image is larger than ${maxBytes} bytes`);
}
