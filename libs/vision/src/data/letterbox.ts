import type { Box } from '@argus/contracts';

/**
 * How an image was fitted into the model's input: scaled (aspect kept) to `resizedWidth` ×
 * `resizedHeight`, then padded by `padX`/`padY` on the left/top (the rest on the right/bottom).
 * `scaleX`/`scaleY` are the exact factors after rounding to whole pixels; they differ from each
 * other by less than a pixel's worth.
 */
export interface LetterboxMapping {
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly dstWidth: number;
  readonly dstHeight: number;
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  readonly scaleX: number;
  readonly scaleY: number;
  readonly padX: number;
  readonly padY: number;
}

/** The letterbox that fits `src` into `dst`, centred, aspect ratio kept. */
export function computeLetterbox(srcWidth: number, srcHeight: number, dstWidth: number, dstHeight: number): LetterboxMapping {
  for (const [name, v] of Object.entries({ srcWidth, srcHeight, dstWidth, dstHeight })) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const scale = Math.min(dstWidth / srcWidth, dstHeight / srcHeight);
  const resizedWidth = Math.min(dstWidth, Math.max(1, Math.round(srcWidth * scale)));
  const resizedHeight = Math.min(dstHeight, Math.max(1, Math.round(srcHeight * scale)));
  return {
    srcWidth,
    srcHeight,
    dstWidth,
    dstHeight,
    resizedWidth,
    resizedHeight,
    scaleX: resizedWidth / srcWidth,
    scaleY: resizedHeight / srcHeight,
    padX: Math.floor((dstWidth - resizedWidth) / 2),
    padY: Math.floor((dstHeight - resizedHeight) / 2),
  };
}

/** A box in original image pixels → the same box in model-input pixels. */
export function boxToModelInput(box: Box, m: LetterboxMapping): Box {
  return {
    x1: box.x1 * m.scaleX + m.padX,
    y1: box.y1 * m.scaleY + m.padY,
    x2: box.x2 * m.scaleX + m.padX,
    y2: box.y2 * m.scaleY + m.padY,
  };
}

/**
 * A box in model-input pixels → original image pixels, clipped to the image (a box that lies
 * wholly in the padding collapses to zero width or height; callers drop those).
 */
export function boxToOriginal(box: Box, m: LetterboxMapping): Box {
  const clampX = (v: number) => Math.min(m.srcWidth, Math.max(0, v));
  const clampY = (v: number) => Math.min(m.srcHeight, Math.max(0, v));
  return {
    x1: clampX((box.x1 - m.padX) / m.scaleX),
    y1: clampY((box.y1 - m.padY) / m.scaleY),
    x2: clampX((box.x2 - m.padX) / m.scaleX),
    y2: clampY((box.y2 - m.padY) / m.scaleY),
  };
}
