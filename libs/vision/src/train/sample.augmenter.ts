import type { Box } from '@argus/contracts';
import type { SeededRandom } from '../data/seeded-random';
import type { TargetBox } from './head-target.assigner';

/** A training image at the model's input resolution (letterboxed), with its boxes in those pixels. */
export interface TrainingImage {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** Interleaved bytes, height × width × channels. */
  readonly frame: Uint8Array;
  /** The aligned template, same layout, when the model uses one. */
  readonly template?: Uint8Array;
  readonly boxes: readonly TargetBox[];
}

export interface AugmentationOptions {
  /** Output size (a crop of the image when smaller than it; default the image's size). */
  readonly outputWidth?: number;
  readonly outputHeight?: number;
  /** Share of crops centred (with jitter) on a random box; the rest are uniform (default 0.5). */
  readonly boxCentredFraction?: number;
  /** The crop window may stick out of the image by up to this many pixels (default 8): shifts. */
  readonly maxShift?: number;
  readonly horizontalFlip?: boolean;
  readonly verticalFlip?: boolean;
  /** Swap x and y (a 90° rotation with a flip; square outputs only). */
  readonly transpose?: boolean;
  /** Brightness offset drawn from ±this, as a fraction of full scale (default 0.1). */
  readonly brightness?: number;
  /** Contrast factor drawn from 1 ± this (default 0.2). */
  readonly contrast?: number;
  /** A box cut by the crop is kept (clipped) when at least this share of it stays visible (default 0.4). */
  readonly minVisibleFraction?: number;
  /** Grey level outside the image (default 0, the letterbox padding). */
  readonly padValue?: number;
}

export type AugmentedSample = TrainingImage;

/** No augmentation at all: what validation uses. */
export const NO_AUGMENTATION: AugmentationOptions = {
  boxCentredFraction: 0,
  maxShift: 0,
  horizontalFlip: false,
  verticalFlip: false,
  transpose: false,
  brightness: 0,
  contrast: 0,
};

/**
 * One random augmentation of a training image: a crop (or shift) window, flips, an optional
 * transpose, brightness and contrast — the same geometry and photometry for the frame and its
 * template, so they stay aligned pixel for pixel; boxes follow the geometry exactly.
 */
export function augmentSample(image: TrainingImage, rng: SeededRandom, options: AugmentationOptions = {}): AugmentedSample {
  const { width: w, height: h, channels } = image;
  const cw = options.outputWidth ?? w;
  const ch = options.outputHeight ?? h;
  const maxShift = options.maxShift ?? 8;
  const pad = options.padValue ?? 0;

  // Crop window origin (may be negative or past the edge by up to maxShift: that is a shift).
  const lowX = -maxShift;
  const highX = Math.max(lowX, w - cw + maxShift);
  const lowY = -maxShift;
  const highY = Math.max(lowY, h - ch + maxShift);
  let x0: number;
  let y0: number;
  const centred = image.boxes.length > 0 && rng.chance(options.boxCentredFraction ?? 0.5);
  if (centred) {
    const { box } = rng.pick(image.boxes);
    const bcx = (box.x1 + box.x2) / 2;
    const bcy = (box.y1 + box.y2) / 2;
    // Anywhere that keeps the box centre inside the middle 80% of the window.
    x0 = Math.round(bcx - rng.uniform(0.1, 0.9) * cw);
    y0 = Math.round(bcy - rng.uniform(0.1, 0.9) * ch);
    x0 = Math.min(highX, Math.max(lowX, x0));
    y0 = Math.min(highY, Math.max(lowY, y0));
  } else {
    x0 = rng.int(lowX, highX);
    y0 = rng.int(lowY, highY);
  }
  const hflip = (options.horizontalFlip ?? true) && rng.chance(0.5);
  const vflip = (options.verticalFlip ?? true) && rng.chance(0.5);
  const transpose = (options.transpose ?? false) && cw === ch && rng.chance(0.5);
  const brightness = options.brightness ?? 0.1;
  const contrast = options.contrast ?? 0.2;
  const b = brightness > 0 ? rng.uniform(-brightness, brightness) * 255 : 0;
  const k = contrast > 0 ? rng.uniform(1 - contrast, 1 + contrast) : 1;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.min(255, Math.max(0, Math.round((v - 127.5) * k + 127.5 + b)));
  const padOut = lut[Math.min(255, Math.max(0, Math.round(pad)))] as number;

  const remap = (src: Uint8Array): Uint8Array => {
    const out = new Uint8Array(cw * ch * channels);
    for (let oy = 0; oy < ch; oy++) {
      for (let ox = 0; ox < cw; ox++) {
        const a = transpose ? oy : ox;
        const bb = transpose ? ox : oy;
        const sx = x0 + (hflip ? cw - 1 - a : a);
        const sy = y0 + (vflip ? ch - 1 - bb : bb);
        const o = (oy * cw + ox) * channels;
        if (sx < 0 || sy < 0 || sx >= w || sy >= h) {
          out.fill(padOut, o, o + channels);
          continue;
        }
        const s = (sy * w + sx) * channels;
        for (let c = 0; c < channels; c++) out[o + c] = lut[src[s + c] as number] as number;
      }
    }
    return out;
  };

  const minVisible = options.minVisibleFraction ?? 0.4;
  const boxes: TargetBox[] = [];
  for (const { box, classId } of image.boxes) {
    const clipped: Box = {
      x1: Math.max(0, box.x1 - x0),
      y1: Math.max(0, box.y1 - y0),
      x2: Math.min(cw, box.x2 - x0),
      y2: Math.min(ch, box.y2 - y0),
    };
    const visible = Math.max(0, clipped.x2 - clipped.x1) * Math.max(0, clipped.y2 - clipped.y1);
    const area = (box.x2 - box.x1) * (box.y2 - box.y1);
    if (visible <= 0 || visible < minVisible * area || clipped.x2 - clipped.x1 < 1 || clipped.y2 - clipped.y1 < 1) continue;
    let { x1, y1, x2, y2 } = clipped;
    if (hflip) [x1, x2] = [cw - x2, cw - x1];
    if (vflip) [y1, y2] = [ch - y2, ch - y1];
    if (transpose) [x1, y1, x2, y2] = [y1, x1, y2, x2];
    boxes.push({ box: { x1, y1, x2, y2 }, classId });
  }

  return {
    id: image.id,
    width: cw,
    height: ch,
    channels,
    frame: remap(image.frame),
    ...(image.template ? { template: remap(image.template) } : {}),
    boxes,
  };
}
