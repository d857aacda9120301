import { FrameDimensionsOutOfRangeError, UndecodableFrameError, UnsupportedFrameTypeError } from './frame-ingest.errors';

export type FrameContentType = 'image/jpeg' | 'image/png';

export interface FrameImageInfo {
  readonly contentType: FrameContentType;
  /** File extension of the stored object: `jpg` or `png`. */
  readonly extension: 'jpg' | 'png';
  readonly width: number;
  readonly height: number;
}

export interface DimensionLimits {
  readonly minDimension: number;
  readonly maxDimension: number;
}

const JPEG_MAGIC = [0xff, 0xd8, 0xff] as const;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** Content types a client may declare for a frame; anything else is refused before the bytes are looked at. */
const DECLARABLE: Readonly<Record<string, FrameContentType | 'sniff'>> = {
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/png': 'image/png',
  // Sources that do not know (a folder, a generic uploader) let the bytes decide.
  'application/octet-stream': 'sniff',
};

/** Which format the magic bytes say, or undefined when they are neither JPEG nor PNG. */
export function sniffFrameFormat(bytes: Uint8Array): FrameContentType | undefined {
  if (startsWith(bytes, PNG_MAGIC)) return 'image/png';
  if (startsWith(bytes, JPEG_MAGIC)) return 'image/jpeg';
  return undefined;
}

/**
 * Checks a frame before anything is stored: the declared type (if any) is JPEG or PNG, the magic
 * bytes say the same, the header gives the dimensions and they are within `limits`. Reads only
 * the header: a frame whose pixel data is damaged passes here and fails in inference, which marks
 * it failed with the reason.
 */
export function inspectFrameImage(bytes: Uint8Array, declaredType: string | undefined, limits: DimensionLimits): FrameImageInfo {
  const declared = normaliseDeclaredType(declaredType);
  const sniffed = sniffFrameFormat(bytes);
  if (!sniffed) {
    throw new UnsupportedFrameTypeError('the bytes are neither JPEG (FF D8 FF) nor PNG (89 50 4E 47 0D 0A 1A 0A)', {
      ...(declaredType ? { declaredType } : {}),
      leadingBytes: Buffer.from(bytes.subarray(0, 8)).toString('hex'),
    });
  }
  if (declared !== 'sniff' && declared !== sniffed) {
    throw new UnsupportedFrameTypeError(`Content-Type says ${declared} but the bytes are ${sniffed === 'image/png' ? 'PNG' : 'JPEG'}`, {
      declaredType: declared,
      detectedType: sniffed,
    });
  }
  const { width, height } = sniffed === 'image/png' ? readPngDimensions(bytes) : readJpegDimensions(bytes);
  if (width < limits.minDimension || height < limits.minDimension || width > limits.maxDimension || height > limits.maxDimension) {
    throw new FrameDimensionsOutOfRangeError(width, height, limits.minDimension, limits.maxDimension);
  }
  return { contentType: sniffed, extension: sniffed === 'image/png' ? 'png' : 'jpg', width, height };
}

function normaliseDeclaredType(declaredType: string | undefined): FrameContentType | 'sniff' {
  if (declaredType === undefined || declaredType.trim() === '') return 'sniff';
  const mediaType = declaredType.split(';')[0]?.trim().toLowerCase() ?? '';
  const known = DECLARABLE[mediaType];
  if (!known) {
    throw new UnsupportedFrameTypeError(`unsupported frame type "${mediaType}": send image/jpeg or image/png`, { declaredType: mediaType });
  }
  return known;
}

/** PNG: the first chunk is IHDR (length 13) with width and height as big-endian uint32. */
function readPngDimensions(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 24) throw new UndecodableFrameError('PNG header is cut short: no IHDR chunk');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkLength = view.getUint32(8);
  const chunkType = String.fromCharCode(bytes[12] ?? 0, bytes[13] ?? 0, bytes[14] ?? 0, bytes[15] ?? 0);
  if (chunkType !== 'IHDR' || chunkLength !== 13) {
    throw new UndecodableFrameError(`PNG does not start with an IHDR chunk (found "${printable(chunkType)}")`);
  }
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new UndecodableFrameError(`PNG header has invalid dimensions ${width}x${height}`);
  }
  return { width, height };
}

/** Start-of-frame markers that carry the dimensions: SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** JPEG: walks the marker segments from SOI to the first SOFn and reads its height and width. */
function readJpegDimensions(bytes: Uint8Array): { width: number; height: number } {
  let offset = 2;
  while (offset < bytes.length) {
    if (bytes[offset] !== 0xff) throw new UndecodableFrameError(`JPEG header is damaged: no marker at byte ${offset}`);
    // Any number of 0xFF fill bytes may precede a marker.
    while (bytes[offset] === 0xff && offset < bytes.length) offset++;
    const marker = bytes[offset];
    offset++;
    if (marker === undefined) break;
    if (marker === 0xd9 || marker === 0xda) {
      throw new UndecodableFrameError(`JPEG has no frame header before ${marker === 0xda ? 'its scan data' : 'its end'}`);
    }
    // Markers without a length: TEM and RSTn (SOI again would be odd but harmless).
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    if (offset + 2 > bytes.length) break;
    const length = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    if (length < 2) throw new UndecodableFrameError(`JPEG segment 0xFF${hex(marker)} has an invalid length ${length}`);
    if (isStartOfFrame(marker)) {
      if (length < 7 || offset + 7 > bytes.length) break;
      const height = ((bytes[offset + 3] ?? 0) << 8) | (bytes[offset + 4] ?? 0);
      const width = ((bytes[offset + 5] ?? 0) << 8) | (bytes[offset + 6] ?? 0);
      if (width === 0 || height === 0) throw new UndecodableFrameError(`JPEG frame header has invalid dimensions ${width}x${height}`);
      return { width, height };
    }
    offset += length;
  }
  throw new UndecodableFrameError('JPEG header is cut short: no frame header (SOFn) found');
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((value, index) => bytes[index] === value);
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
