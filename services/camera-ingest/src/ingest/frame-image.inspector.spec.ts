import { jpegHeaderBytes, pngHeaderBytes } from '../testing/image-bytes.fixture';
import { FrameDimensionsOutOfRangeError, UndecodableFrameError, UnsupportedFrameTypeError } from './frame-ingest.errors';
import { inspectFrameImage, sniffFrameFormat } from './frame-image.inspector';

const limits = { minDimension: 16, maxDimension: 8192 };

function failure(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('frame image inspection', () => {
  it('sniffs JPEG and PNG by their magic bytes only', () => {
    expect(sniffFrameFormat(jpegHeaderBytes(32, 32))).toBe('image/jpeg');
    expect(sniffFrameFormat(pngHeaderBytes(32, 32))).toBe('image/png');
    expect(sniffFrameFormat(Buffer.from('GIF89a...'))).toBeUndefined();
    expect(sniffFrameFormat(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffFrameFormat(Buffer.alloc(0))).toBeUndefined();
  });

  it('reads width and height from a PNG IHDR', () => {
    expect(inspectFrameImage(pngHeaderBytes(640, 480), 'image/png', limits)).toEqual({
      contentType: 'image/png',
      extension: 'png',
      width: 640,
      height: 480,
    });
  });

  it('reads width and height from the JPEG frame header, after other segments, for baseline and progressive', () => {
    expect(inspectFrameImage(jpegHeaderBytes(1024, 768), 'image/jpeg', limits)).toMatchObject({
      width: 1024,
      height: 768,
      extension: 'jpg',
    });
    expect(inspectFrameImage(jpegHeaderBytes(300, 200, { sofMarker: 0xc2 }), undefined, limits)).toMatchObject({
      contentType: 'image/jpeg',
      width: 300,
      height: 200,
    });
  });

  it('lets the bytes decide when no type or application/octet-stream is declared, and accepts parameters', () => {
    expect(inspectFrameImage(pngHeaderBytes(20, 20), undefined, limits).contentType).toBe('image/png');
    expect(inspectFrameImage(pngHeaderBytes(20, 20), 'application/octet-stream', limits).contentType).toBe('image/png');
    expect(inspectFrameImage(jpegHeaderBytes(20, 20), 'IMAGE/JPEG; charset=binary', limits).contentType).toBe('image/jpeg');
  });

  it('refuses a declared type that the bytes contradict (415, saying so)', () => {
    const error = failure(() => inspectFrameImage(jpegHeaderBytes(64, 64), 'image/png', limits));
    expect(error).toBeInstanceOf(UnsupportedFrameTypeError);
    expect(error.message).toBe('Content-Type says image/png but the bytes are JPEG');
  });

  it('refuses bytes that are neither JPEG nor PNG, and other declared types', () => {
    const error = failure(() => inspectFrameImage(Buffer.from('GIF89a-and-more'), 'image/jpeg', limits));
    expect(error).toBeInstanceOf(UnsupportedFrameTypeError);
    expect(error.message).toContain('neither JPEG');
    expect(failure(() => inspectFrameImage(pngHeaderBytes(64, 64), 'image/gif', limits))).toBeInstanceOf(UnsupportedFrameTypeError);
  });

  it('refuses a header it cannot read (422)', () => {
    expect(failure(() => inspectFrameImage(pngHeaderBytes(64, 64).subarray(0, 20), undefined, limits))).toBeInstanceOf(
      UndecodableFrameError,
    );
    const badChunk = pngHeaderBytes(64, 64);
    badChunk.write('IDAT', 12, 'ascii');
    expect(failure(() => inspectFrameImage(badChunk, undefined, limits)).message).toContain('IHDR');
    expect(failure(() => inspectFrameImage(pngHeaderBytes(0, 64), undefined, limits))).toBeInstanceOf(UndecodableFrameError);
    // SOI then straight to the scan: no frame header.
    expect(failure(() => inspectFrameImage(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]), undefined, limits)).message).toContain(
      'no frame header',
    );
    expect(failure(() => inspectFrameImage(jpegHeaderBytes(64, 64).subarray(0, 24), undefined, limits))).toBeInstanceOf(
      UndecodableFrameError,
    );
    expect(failure(() => inspectFrameImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]), undefined, limits))).toBeInstanceOf(
      UndecodableFrameError,
    );
  });

  it('checks the dimensions against the limits, inclusive', () => {
    expect(inspectFrameImage(pngHeaderBytes(16, 8192), undefined, limits)).toMatchObject({ width: 16, height: 8192 });
    const small = failure(() => inspectFrameImage(pngHeaderBytes(15, 100), undefined, limits));
    expect(small).toBeInstanceOf(FrameDimensionsOutOfRangeError);
    expect(small.message).toBe('frame is 15x100; each side must be between 16 and 8192 pixels');
    expect(failure(() => inspectFrameImage(jpegHeaderBytes(8193, 100), undefined, limits))).toBeInstanceOf(FrameDimensionsOutOfRangeError);
  });

  it('reads only the header: a broken body behind a valid header passes (inference fails it later)', () => {
    const broken = jpegHeaderBytes(64, 48, { body: Buffer.from('garbage instead of a scan') });
    expect(inspectFrameImage(broken, 'image/jpeg', limits)).toMatchObject({ width: 64, height: 48 });
  });
});
