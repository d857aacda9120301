import sharp from 'sharp';
import { decodeImage, encodeImage, readImageHeader } from './image-codec';
import { ImageDecodeError, ImageTooLargeError, TemplateMismatchError, TemplateMissingError } from './image-input.errors';
import { letterboxImage, modelInputChannels, preprocessBatch } from './preprocess';
import { TemplateCache } from './template.cache';

/** A w×h RGB PNG whose pixel (x, y) is (x, y, 7) — every pixel tells where it came from. */
async function gradientPng(w: number, h: number): Promise<Buffer> {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) data.set([x, y, 7], (y * w + x) * 3);
  }
  return encodeImage({ data, width: w, height: h, channels: 3 }, 'png');
}

function solid(w: number, h: number, channels: 1 | 3 | 4, value: number[]): Promise<Buffer> {
  const data = new Uint8Array(w * h * channels);
  for (let i = 0; i < w * h; i++) data.set(value, i * channels);
  return sharp(data, { raw: { width: w, height: h, channels } })
    .png()
    .toBuffer();
}

describe('decodeImage', () => {
  it('decodes RGB, expands greyscale to RGB and reduces RGB to one channel', async () => {
    const rgb = await decodeImage(await gradientPng(4, 3), { channels: 3 });
    expect([rgb.width, rgb.height, rgb.channels]).toEqual([4, 3, 3]);
    expect(Array.from(rgb.data.subarray((2 * 4 + 3) * 3, (2 * 4 + 3) * 3 + 3))).toEqual([3, 2, 7]);
    const grey = await decodeImage(await solid(2, 2, 1, [90]), { channels: 3 });
    expect(Array.from(grey.data.subarray(0, 3))).toEqual([90, 90, 90]);
    const luma = await decodeImage(await solid(2, 2, 3, [200, 200, 200]), { channels: 1 });
    expect([luma.channels, luma.data.length, luma.data[0]]).toEqual([1, 4, 200]);
  });

  it('flattens alpha onto the background', async () => {
    const transparent = await solid(2, 2, 4, [255, 255, 255, 0]);
    const out = await decodeImage(transparent, { channels: 3, alphaBackground: 10 });
    expect(Array.from(out.data.subarray(0, 3))).toEqual([10, 10, 10]);
  });

  it('raises typed errors for empty, foreign, truncated and corrupt bytes', async () => {
    const noise = new Uint8Array(64 * 64 * 3).map((_, i) => (i * 7919) % 251);
    const jpeg = await encodeImage({ data: noise, width: 64, height: 64, channels: 3 }, 'jpeg');
    const corrupt = Buffer.from(jpeg); // 0xFF bytes sprinkled into the entropy-coded data
    for (let i = 700; i < jpeg.length - 10; i += 37) corrupt[i] = 0xff;
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'empty'],
      [Buffer.from('definitely not an image'), 'unsupported-format'],
      [jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'truncated'],
      [corrupt, 'corrupt'],
    ];
    for (const [bytes, reason] of cases) {
      const error = await decodeImage(bytes, { channels: 3, label: 'frame-1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ImageDecodeError);
      expect((error as ImageDecodeError).reason).toBe(reason);
      expect((error as Error).message).toMatch(/^frame-1: cannot decode image/);
    }
  });

  it('refuses images over the pixel limit from the header, before decoding', async () => {
    const big = await solid(300, 200, 3, [0, 0, 0]);
    const error = await readImageHeader(big, { maxInputPixels: 50_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect((error as Error).message).toBe('image is 300x200 = 60000 pixels, over the limit of 50000');
  });
});

describe('letterboxImage', () => {
  it('resizes keeping the aspect ratio and pads with the pad value', async () => {
    const png = await solid(8, 4, 3, [200, 100, 50]);
    const { pixels, mapping } = await letterboxImage(png, { width: 4, height: 4, channels: 3, padValue: 9, kernel: 'nearest' });
    expect([mapping.resizedWidth, mapping.resizedHeight, mapping.padX, mapping.padY]).toEqual([4, 2, 0, 1]);
    const row = (y: number) => Array.from(pixels.subarray(y * 12, y * 12 + 3));
    expect(row(0)).toEqual([9, 9, 9]);
    expect(row(1)).toEqual([200, 100, 50]);
    expect(row(2)).toEqual([200, 100, 50]);
    expect(row(3)).toEqual([9, 9, 9]);
  });
});

describe('preprocessBatch', () => {
  it('packs NCHW floats in [0, 1] with each image in its own slot', async () => {
    const batch = await preprocessBatch([{ image: await gradientPng(4, 4) }, { image: await solid(4, 4, 1, [255]) }], {
      width: 4,
      height: 4,
      channels: 3,
    });
    expect(batch.shape).toEqual([2, 3, 4, 4]);
    expect(batch.layout).toBe('nchw');
    // image 0, channel 0 (R = x), pixel (x=3, y=1); channel 1 (G = y); channel 2 = 7.
    expect(batch.data[0 * 16 + 1 * 4 + 3]).toBeCloseTo(3 / 255, 6);
    expect(batch.data[1 * 16 + 1 * 4 + 3]).toBeCloseTo(1 / 255, 6);
    expect(batch.data[2 * 16 + 5]).toBeCloseTo(7 / 255, 6);
    expect(batch.data.subarray(48, 96).every((v) => v === 1)).toBe(true);
    expect(batch.mappings).toHaveLength(2);
  });

  it('writes NHWC when asked', async () => {
    const batch = await preprocessBatch([{ image: await gradientPng(4, 4) }], { width: 4, height: 4, channels: 3, layout: 'nhwc' });
    expect(batch.shape).toEqual([1, 4, 4, 3]);
    const at = (1 * 4 + 3) * 3;
    expect(Array.from(batch.data.subarray(at, at + 3)).map((v) => Math.round(v * 255))).toEqual([3, 1, 7]);
  });

  it('stacks frame, template and their difference for template models', async () => {
    const frame = await solid(2, 2, 1, [200]);
    const template = await solid(2, 2, 1, [50]);
    const options = { width: 2, height: 2, channels: 1 as const };
    const stacked = await preprocessBatch([{ image: frame, template }], { ...options, templateMode: 'stack-difference' });
    expect(stacked.shape).toEqual([1, 3, 2, 2]);
    expect(Array.from(stacked.data).map((v) => Math.round(v * 255))).toEqual([200, 200, 200, 200, 50, 50, 50, 50, 150, 150, 150, 150]);
    const diff = await preprocessBatch([{ image: template, template: frame }], { ...options, templateMode: 'difference' });
    expect(Array.from(diff.data).map((v) => Math.round(v * 255))).toEqual([150, 150, 150, 150]);
    expect(modelInputChannels(3, 'stack')).toBe(6);
  });

  it('refuses a template of another size, or none, for a template model', async () => {
    const frame = await solid(4, 4, 1, [1]);
    const options = { width: 4, height: 4, channels: 1 as const, templateMode: 'stack' as const };
    const mismatch = await preprocessBatch([{ image: frame, template: await solid(4, 3, 1, [1]), label: 'f7' }], options).catch(
      (e: unknown) => e,
    );
    expect(mismatch).toBeInstanceOf(TemplateMismatchError);
    expect((mismatch as Error).message).toMatch(/^f7: template is 4x3 but the frame is 4x4/);
    await expect(preprocessBatch([{ image: frame }], options)).rejects.toBeInstanceOf(TemplateMissingError);
  });

  it('with a template cache, letterboxes a template once and gives the same tensor as without', async () => {
    const template = await gradientPng(6, 4);
    const frames = [await solid(6, 4, 1, [10]), await solid(6, 4, 1, [90])];
    const options = { width: 8, height: 8, channels: 1 as const, templateMode: 'stack-difference' as const };
    const cache = new TemplateCache(2);
    const inputs = frames.map((image) => ({ image, template: Buffer.from(template) })); // equal bytes, distinct buffers
    const cached = await preprocessBatch(inputs, { ...options, templateCache: cache });
    const again = await preprocessBatch(inputs, { ...options, templateCache: cache });
    const plain = await preprocessBatch(inputs, options);
    expect(cache.size).toBe(1);
    expect(Array.from(cached.data)).toEqual(Array.from(plain.data));
    expect(Array.from(again.data)).toEqual(Array.from(plain.data));
    expect(cached.mappings).toEqual(plain.mappings);
  });

  it('with a template cache, still refuses a mismatched template and does not keep a broken one', async () => {
    const cache = new TemplateCache(2);
    const options = { width: 4, height: 4, channels: 1 as const, templateMode: 'stack' as const, templateCache: cache };
    const frame = await solid(4, 4, 1, [1]);
    const small = await solid(4, 3, 1, [1]);
    await preprocessBatch([{ image: await solid(4, 3, 1, [2]), template: small }], options);
    const mismatch = await preprocessBatch([{ image: frame, template: small, label: 'f8' }], options).catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(TemplateMismatchError);
    const broken = await preprocessBatch([{ image: frame, template: Buffer.from('junk') }], options).catch((e: unknown) => e);
    expect(broken).toBeInstanceOf(ImageDecodeError);
    expect(cache.size).toBe(1);
  });

  it('a template cache keeps the most recently used templates', async () => {
    const cache = new TemplateCache(2);
    const made: number[] = [];
    const prepare = (n: number) => async () => {
      made.push(n);
      return {
        header: { format: 'png', width: 1, height: 1, channels: 1, hasAlpha: false },
        image: { pixels: new Uint8Array(1), channels: 1 as const, mapping: {} as never },
      };
    };
    const bytes = [1, 2, 3].map((n) => Uint8Array.of(n));
    await cache.getOrPrepare(bytes[0] as Uint8Array, prepare(1));
    await cache.getOrPrepare(bytes[1] as Uint8Array, prepare(2));
    await cache.getOrPrepare(bytes[0] as Uint8Array, prepare(1)); // 1 used again: 2 is the oldest
    await cache.getOrPrepare(bytes[2] as Uint8Array, prepare(3));
    await cache.getOrPrepare(bytes[0] as Uint8Array, prepare(1));
    await cache.getOrPrepare(bytes[1] as Uint8Array, prepare(2));
    expect(made).toEqual([1, 2, 3, 2]);
    expect(() => new TemplateCache(0)).toThrow('maxEntries must be a positive integer');
  });

  it('leaves bad images out and reports them when asked to skip', async () => {
    const good = await solid(2, 2, 1, [255]);
    const batch = await preprocessBatch([{ image: Buffer.from('junk'), label: 'bad.jpg' }, { image: good }, { image: new Uint8Array(0) }], {
      width: 2,
      height: 2,
      channels: 1,
      onBadImage: 'skip',
    });
    expect(batch.shape).toEqual([1, 1, 2, 2]);
    expect(batch.inputIndices).toEqual([1]);
    expect(batch.failures.map((f) => [f.index, f.label, (f.error as ImageDecodeError).reason])).toEqual([
      [0, 'bad.jpg', 'unsupported-format'],
      [2, 'image #2', 'empty'],
    ]);
    expect(Array.from(batch.data)).toEqual([1, 1, 1, 1]);
  });

  it('names the failing image of a batch', async () => {
    const good = await solid(2, 2, 1, [1]);
    await expect(
      preprocessBatch([{ image: good }, { image: Buffer.from('junk'), label: 'cam-2/17.jpg' }], { width: 2, height: 2, channels: 1 }),
    ).rejects.toThrow(/^cam-2\/17\.jpg: cannot decode image \(unsupported-format\)/);
  });
});
