import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { FrameTooLargeError } from '../ingest/frame-ingest.errors';

export interface FrameUpload {
  readonly bytes: Buffer;
  /** The type the client declared for the bytes (the request's or the multipart part's Content-Type). */
  readonly declaredType: string | undefined;
}

/** The multipart file field that carries the frame. */
export const FRAME_FIELD = 'frame';

class BadUploadError extends DomainError {
  constructor(message: string) {
    super(CommonErrorCodes.validationFailed, message);
  }
}

/**
 * Reads a frame from the request: a raw image body, or `multipart/form-data` with one file field
 * `frame` (parsed by busboy, which Nest's express platform already depends on through multer).
 * The size limit is enforced while the bytes arrive: a declared Content-Length over it is refused
 * before reading, and a body that grows past it is cut off at the limit (the rest is discarded,
 * never buffered).
 */
export async function readFrameUpload(request: IncomingMessage, maxBytes: number): Promise<FrameUpload> {
  const contentType = request.headers['content-type'];
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  try {
    if (mediaType === 'multipart/form-data') return await readMultipart(request, maxBytes);
    const declaredLength = Number(request.headers['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > maxBytes) throw new FrameTooLargeError(maxBytes, declaredLength);
    const bytes = await readLimited(request, maxBytes);
    if (bytes.length === 0) throw new BadUploadError('the request has no body: send the image bytes or a multipart field "frame"');
    return { bytes, declaredType: contentType };
  } catch (error) {
    // Stop reading into memory; let the rest of the body drain so the answer reaches the client.
    request.unpipe();
    request.resume();
    throw error;
  }
}

function readLimited(stream: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanUp();
        reject(new FrameTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanUp();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    const cleanUp = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function readMultipart(request: IncomingMessage, maxBytes: number): Promise<FrameUpload> {
  return new Promise<FrameUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, parts: 21 } });
    } catch (error) {
      reject(new BadUploadError(`malformed multipart request: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let upload: Promise<FrameUpload> | undefined;
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
    };
    parser.on('file', (name, file, info) => {
      if (name !== FRAME_FIELD) {
        fail(new BadUploadError(`unexpected file field "${name}": send the frame in the field "${FRAME_FIELD}"`));
        file.resume();
        return;
      }
      upload = readLimited(file, maxBytes).then(
        (bytes) => {
          // busboy stops at fileSize and marks the stream truncated rather than sending more.
          if (file.truncated) throw new FrameTooLargeError(maxBytes);
          return { bytes, declaredType: info.mimeType };
        },
        (error: unknown) => {
          file.resume();
          throw error;
        },
      );
      upload.catch(() => undefined);
    });
    parser.on('filesLimit', () => fail(new BadUploadError(`send exactly one file, in the field "${FRAME_FIELD}"`)));
    parser.on('partsLimit', () => fail(new BadUploadError('too many parts in the multipart request')));
    parser.on('error', (error: unknown) => {
      request.unpipe(parser);
      reject(new BadUploadError(`malformed multipart request: ${error instanceof Error ? error.message : String(error)}`));
    });
    parser.on('close', () => {
      if (failure) return reject(failure);
      if (!upload) return reject(new BadUploadError(`the multipart request has no file field "${FRAME_FIELD}"`));
      upload.then((result) => {
        if (result.bytes.length === 0) reject(new BadUploadError(`the file field "${FRAME_FIELD}" is empty`));
        else resolve(result);
      }, reject);
    });
    request.pipe(parser);
  });
}
