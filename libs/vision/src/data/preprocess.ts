import { DEFAULT_MAX_INPUT_PIXELS, openImage, readImageHeader, runRaw, toChannels, type ImageHeader } from './image-codec';
import { TemplateMismatchError, TemplateMissingError } from './image-input.errors';
import { computeLetterbox, type LetterboxMapping } from './letterbox';
import type { PreparedTemplate, TemplateCache } from './template.cache';

/**
 * How a golden template enters the model, per channel of the frame:
 * - `none`: the frame alone (C channels);
 * - `stack`: frame then template (2C);
 * - `difference`: |frame − template| (C);
 * - `stack-difference`: frame, template, |frame − template| (3C) — the DeepPCB-style input.
 */
export type TemplateMode = 'none' | 'stack' | 'difference' | 'stack-difference';

export type TensorLayout = 'nchw' | 'nhwc';

export interface PreprocessOptions {
  /** The model's input size. */
  readonly width: number;
  readonly height: number;
  /** Channels per image the model wants: 1 (luminance) or 3 (RGB). */
  readonly channels: 1 | 3;
  readonly templateMode?: TemplateMode;
  /** Default `nchw` (what ONNX Runtime takes); `nhwc` for TF.js. */
  readonly layout?: TensorLayout;
  /** Grey level (0..255) of the letterbox padding and of flattened alpha. Default 0. */
  readonly padValue?: number;
  /** Refuse images with more pixels than this (default 40 M). */
  readonly maxInputPixels?: number;
  /** Resampling kernel; `linear` (default) is the fast one, `lanczos3` the sharp one. */
  readonly kernel?: 'nearest' | 'linear' | 'cubic' | 'lanczos3';
  /**
   * A bad image (undecodable, too large, template missing or mismatched): fail the batch
   * (default), or leave it out and report it in `failures` so a long run carries on.
   */
  readonly onBadImage?: 'throw' | 'skip';
  /**
   * Reuse letterboxed templates across calls (a line sends the same golden template with every
   * frame). The cache must only ever see these same size/channel/kernel/pad options.
   */
  readonly templateCache?: TemplateCache;
}

/** One image to preprocess: encoded bytes (JPEG, PNG, ...) and, for template models, its template. */
export interface PreprocessInput {
  readonly image: Uint8Array;
  readonly template?: Uint8Array;
  /** Names the image in errors (a frame id or a file name). */
  readonly label?: string;
}

/** Letterboxed pixels of one image at the model's size, interleaved bytes. */
export interface LetterboxedImage {
  readonly pixels: Uint8Array;
  readonly channels: 1 | 3;
  readonly mapping: LetterboxMapping;
}

/** A batch ready for a model: floats in [0, 1], and per image the mapping back to its pixels. */
export interface PreprocessedBatch {
  readonly data: Float32Array;
  /** [N, C, H, W] for `nchw`, [N, H, W, C] for `nhwc`. */
  readonly shape: readonly [number, number, number, number];
  readonly layout: TensorLayout;
  readonly mappings: readonly LetterboxMapping[];
  /** Which inputs the N slots hold, in order (all of them unless some were skipped). */
  readonly inputIndices: readonly number[];
  /** Inputs left out under `onBadImage: 'skip'`, with the reason. */
  readonly failures: readonly { readonly index: number; readonly label: string; readonly error: Error }[];
}

/** Channels the model sees for a given per-image channel count and template mode. */
export function modelInputChannels(channels: 1 | 3, templateMode: TemplateMode = 'none'): number {
  switch (templateMode) {
    case 'none':
    case 'difference':
      return channels;
    case 'stack':
      return 2 * channels;
    case 'stack-difference':
      return 3 * channels;
  }
}

/**
 * Decodes and letterboxes one image in a single libvips pass (decode, channel conversion,
 * resize, pad), after a header check that rejects non-images and oversized images cheaply.
 */
export async function letterboxImage(
  bytes: Uint8Array,
  options: PreprocessOptions,
  label?: string,
  header?: ImageHeader,
): Promise<LetterboxedImage> {
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const head = header ?? (await readImageHeader(bytes, { maxInputPixels, ...(label ? { label } : {}) }));
  const mapping = computeLetterbox(head.width, head.height, options.width, options.height);
  const pad = clampByte(options.padValue ?? 0);
  let pipeline = toChannels(openImage(bytes, maxInputPixels), options.channels, head.hasAlpha, pad);
  if (mapping.resizedWidth !== head.width || mapping.resizedHeight !== head.height) {
    pipeline = pipeline.resize(mapping.resizedWidth, mapping.resizedHeight, {
      fit: 'fill',
      kernel: options.kernel ?? 'linear',
    });
  }
  const right = options.width - mapping.resizedWidth - mapping.padX;
  const bottom = options.height - mapping.resizedHeight - mapping.padY;
  if (mapping.padX > 0 || mapping.padY > 0 || right > 0 || bottom > 0) {
    pipeline = pipeline.extend({
      top: mapping.padY,
      bottom,
      left: mapping.padX,
      right,
      background: { r: pad, g: pad, b: pad },
    });
  }
  const { data, info } = await runRaw(pipeline, label);
  if (info.width !== options.width || info.height !== options.height || info.channels !== options.channels) {
    throw new Error(
      `internal: letterbox produced ${info.width}x${info.height}x${info.channels}, ` +
        `wanted ${options.width}x${options.height}x${options.channels}`,
    );
  }
  return { pixels: data, channels: options.channels, mapping };
}

/**
 * Preprocesses a batch: every image (and its template, when the template mode uses one) is
 * decoded and letterboxed concurrently on sharp's thread pool, then packed into one float tensor.
 * A template must have exactly its frame's size (they are aligned pixel for pixel).
 */
export async function preprocessBatch(inputs: readonly PreprocessInput[], options: PreprocessOptions): Promise<PreprocessedBatch> {
  const mode = options.templateMode ?? 'none';
  const maxInputPixels = options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  const settled = await Promise.allSettled(
    inputs.map(async (input, index) => {
      const label = input.label ?? `image #${index}`;
      if (mode !== 'none' && !input.template) throw new TemplateMissingError(label);
      const templateReady = mode !== 'none' && input.template ? prepareTemplate(input.template, options, `${label} template`) : undefined;
      templateReady?.catch(() => undefined); // awaited below; a frame failing first must not leave it unhandled
      const frameHeader = await readImageHeader(input.image, { maxInputPixels, label });
      const [frame, template] = await Promise.all([letterboxImage(input.image, options, label, frameHeader), templateReady]);
      if (template && (template.header.width !== frameHeader.width || template.header.height !== frameHeader.height)) {
        throw new TemplateMismatchError(
          { width: frameHeader.width, height: frameHeader.height },
          { width: template.header.width, height: template.header.height },
          label,
        );
      }
      return { frame, template: template?.image };
    }),
  );
  const prepared: { frame: LetterboxedImage; template: LetterboxedImage | undefined }[] = [];
  const inputIndices: number[] = [];
  const failures: { index: number; label: string; error: Error }[] = [];
  settled.forEach((result, index) => {
    if (result.status === 'fulfilled') {
      prepared.push(result.value);
      inputIndices.push(index);
      return;
    }
    const error = result.reason instanceof Error ? result.reason : new Error(String(result.reason));
    failures.push({ index, label: inputs[index]?.label ?? `image #${index}`, error });
  });
  if (failures.length > 0 && (options.onBadImage ?? 'throw') === 'throw') throw (failures[0] as { error: Error }).error;

  const layout = options.layout ?? 'nchw';
  const c = options.channels;
  const channelsOut = modelInputChannels(c, mode);
  const hw = options.width * options.height;
  const perImage = hw * channelsOut;
  const data = new Float32Array(prepared.length * perImage);
  prepared.forEach(({ frame, template }, n) => {
    const planes: PlaneSource[] = [];
    for (let k = 0; k < c; k++) planes.push({ kind: 'copy', pixels: frame.pixels, channel: k });
    if (template && (mode === 'stack' || mode === 'stack-difference')) {
      for (let k = 0; k < c; k++) planes.push({ kind: 'copy', pixels: template.pixels, channel: k });
    }
    if (template && (mode === 'difference' || mode === 'stack-difference')) {
      for (let k = 0; k < c; k++) planes.push({ kind: 'difference', a: frame.pixels, b: template.pixels, channel: k });
    }
    if (mode === 'difference') planes.splice(0, c); // difference alone replaces the frame planes
    writePlanes(data, n * perImage, planes, c, hw, channelsOut, layout);
  });
  const shape: readonly [number, number, number, number] =
    layout === 'nchw'
      ? [prepared.length, channelsOut, options.height, options.width]
      : [prepared.length, options.height, options.width, channelsOut];
  return { data, shape, layout, mappings: prepared.map((p) => p.frame.mapping), inputIndices, failures };
}

/** A template's header and letterboxed pixels, from the cache when there is one. */
function prepareTemplate(bytes: Uint8Array, options: PreprocessOptions, label: string): Promise<PreparedTemplate> {
  const prepare = async (): Promise<PreparedTemplate> => {
    const header = await readImageHeader(bytes, { maxInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS, label });
    return { header, image: await letterboxImage(bytes, options, label, header) };
  };
  return options.templateCache ? options.templateCache.getOrPrepare(bytes, prepare) : prepare();
}

type PlaneSource =
  { kind: 'copy'; pixels: Uint8Array; channel: number } | { kind: 'difference'; a: Uint8Array; b: Uint8Array; channel: number };

const BYTE_TO_UNIT = (() => {
  const table = new Float32Array(256);
  for (let i = 0; i < 256; i++) table[i] = i / 255;
  return table;
})();

/** Writes each plane source as one output channel, converting bytes to [0, 1] floats. */
function writePlanes(
  out: Float32Array,
  offset: number,
  planes: readonly PlaneSource[],
  stride: number,
  hw: number,
  channelsOut: number,
  layout: TensorLayout,
): void {
  const lut = BYTE_TO_UNIT;
  planes.forEach((plane, p) => {
    // NCHW: plane p is contiguous. NHWC: element i of plane p sits at i*channelsOut + p.
    const base = layout === 'nchw' ? offset + p * hw : offset + p;
    const step = layout === 'nchw' ? 1 : channelsOut;
    if (plane.kind === 'copy') {
      const src = plane.pixels;
      for (let i = 0, s = plane.channel, o = base; i < hw; i++, s += stride, o += step) out[o] = lut[src[s] as number] as number;
    } else {
      const { a, b } = plane;
      for (let i = 0, s = plane.channel, o = base; i < hw; i++, s += stride, o += step) {
        out[o] = lut[Math.abs((a[s] as number) - (b[s] as number))] as number;
      }
    }
  });
}

function clampByte(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}
