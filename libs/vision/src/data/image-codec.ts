import sharp from 'sharp';
import { ImageDecodeError, ImageTooLargeError, type ImageDecodeReason } from './image-input.errors';

/** Pixels as bytes, interleaved (HWC), row after row. */
export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
}

/** 40 megapixels: far above any inspection camera here, far below a decompression bomb. */
export const DEFAULT_MAX_INPUT_PIXELS = 40_000_000;

export interface ImageHeader {
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly hasAlpha: boolean;
}

/**
 * Reads an image's header (no pixel decode) and checks it: bytes that are no image, or an image
 * over `maxInputPixels`, fail here with a typed error before any memory is spent on pixels.
 */
export async function readImageHeader(bytes: Uint8Array, options: { maxInputPixels?: number; label?: string } = {}): Promise<ImageHeader> {
  const limit = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  if (bytes.length === 0) throw new ImageDecodeError('empty', 'no bytes', options.label);
  let meta: sharp.Metadata;
  try {
    // limitInputPixels: false — the header alone is safe to read; the limit is checked below
    // so the error can name the size.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw toDecodeError(error, options.label);
  }
  const { width, height } = meta;
  if (!width || !height) throw new ImageDecodeError('corrupt', 'header has no dimensions', options.label);
  if (width * height > limit) throw new ImageTooLargeError(width, height, limit, options.label);
  return { format: meta.format ?? 'unknown', width, height, channels: meta.channels ?? 0, hasAlpha: meta.hasAlpha ?? false };
}

/**
 * Decodes a whole image to interleaved bytes with the channel count asked for: greyscale is
 * expanded to RGB or RGB reduced to luminance, alpha is flattened onto `alphaBackground`.
 * EXIF orientation is not applied: annotations refer to the stored pixel grid.
 */
export async function decodeImage(
  bytes: Uint8Array,
  options: { channels: 1 | 3; maxInputPixels?: number; alphaBackground?: number; label?: string },
): Promise<RawImage> {
  const header = await readImageHeader(bytes, options);
  const pipeline = toChannels(openImage(bytes, options.maxInputPixels), options.channels, header.hasAlpha, options.alphaBackground ?? 0);
  const { data, info } = await runRaw(pipeline, options.label);
  return { data, width: info.width, height: info.height, channels: options.channels };
}

/** Encodes interleaved bytes as PNG (lossless: ground truth stays exact) or JPEG. */
export async function encodeImage(
  image: RawImage,
  format: 'png' | 'jpeg',
  options: { jpegQuality?: number; pngCompressionLevel?: number } = {},
): Promise<Buffer> {
  const expected = image.width * image.height * image.channels;
  if (image.data.length !== expected) {
    throw new RangeError(`raw image of ${image.width}x${image.height}x${image.channels} needs ${expected} bytes, got ${image.data.length}`);
  }
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  return format === 'png'
    ? pipeline.png({ compressionLevel: options.pngCompressionLevel ?? 6 }).toBuffer()
    : pipeline.jpeg({ quality: options.jpegQuality ?? 92, chromaSubsampling: '4:4:4' }).toBuffer();
}

/** Opens bytes in sharp with strict decoding: a damaged JPEG fails rather than decoding to garbage. */
export function openImage(bytes: Uint8Array, maxInputPixels = DEFAULT_MAX_INPUT_PIXELS): sharp.Sharp {
  return sharp(bytes, { limitInputPixels: maxInputPixels, failOn: 'warning' });
}

/** Converts a pipeline's output to exactly `channels` bands (1 = luminance, 3 = sRGB). */
export function toChannels(pipeline: sharp.Sharp, channels: 1 | 3, hasAlpha: boolean, alphaBackground: number): sharp.Sharp {
  let p = pipeline;
  if (hasAlpha) p = p.flatten({ background: { r: alphaBackground, g: alphaBackground, b: alphaBackground } });
  return channels === 1 ? p.toColourspace('b-w') : p.toColourspace('srgb');
}

/** Runs a pipeline to raw bytes, turning libvips' failures into `ImageDecodeError`s. */
export async function runRaw(pipeline: sharp.Sharp, label?: string): Promise<{ data: Uint8Array; info: sharp.OutputInfo }> {
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info };
  } catch (error) {
    throw toDecodeError(error, label);
  }
}

function toDecodeError(error: unknown, label?: string): ImageDecodeError {
  const message = error instanceof Error ? error.message : String(error);
  const lower = message.toLowerCase();
  let reason: ImageDecodeReason = 'corrupt';
  // libjpeg says "Corrupt JPEG data: premature end of data segment" for damaged entropy data,
  // and "premature end of JPEG image" (sometimes behind "corrupt header") when the file stops.
  if (lower.includes('corrupt jpeg data')) reason = 'corrupt';
  else if (lower.includes('premature end') || lower.includes('end of stream') || lower.includes('truncated')) reason = 'truncated';
  else if (lower.includes('empty')) reason = 'empty';
  else if (lower.includes('unsupported image format')) reason = 'unsupported-format';
  return new ImageDecodeError(reason, message.trim(), label);
}
