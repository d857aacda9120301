import { SeededRandom } from '../data/seeded-random';
import { augmentSample, NO_AUGMENTATION, type TrainingImage } from './sample.augmenter';
import { buildTrainingBatch } from './training-batch.builder';

/**
 * A 48×40 grey frame with a textured background, its template (the same background), and two
 * "defects" painted only on the frame: a bright rectangle per box. After any augmentation the
 * frame must differ from the template exactly inside the (transformed) boxes.
 */
function fixture(): TrainingImage {
  const width = 48;
  const height = 40;
  const template = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) template[y * width + x] = (x * 7 + y * 3) % 97;
  const frame = Uint8Array.from(template);
  const boxes = [
    { box: { x1: 5, y1: 6, x2: 14, y2: 11 }, classId: 0 },
    { box: { x1: 30, y1: 20, x2: 36, y2: 33 }, classId: 1 },
  ];
  for (const { box } of boxes) for (let y = box.y1; y < box.y2; y++) for (let x = box.x1; x < box.x2; x++) frame[y * width + x] = 250;
  return { id: 'fixture', width, height, channels: 1, frame, template, boxes };
}

/** Pixels where frame ≠ template, as a set of "x,y". */
function differingPixels(image: TrainingImage): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = y * image.width + x;
      if (image.frame[i] !== image.template?.[i]) out.add(`${x},${y}`);
    }
  }
  return out;
}

function pixelsInBoxes(image: TrainingImage): Set<string> {
  const out = new Set<string>();
  for (const { box } of image.boxes) {
    for (let y = Math.ceil(box.y1); y < box.y2; y++) for (let x = Math.ceil(box.x1); x < box.x2; x++) out.add(`${x},${y}`);
  }
  return out;
}

describe('augmentSample', () => {
  it('leaves an image unchanged with no augmentation', () => {
    const image = fixture();
    const out = augmentSample(image, new SeededRandom(1), NO_AUGMENTATION);
    expect(out.frame).toEqual(image.frame);
    expect(out.template).toEqual(image.template);
    expect(out.boxes).toEqual(image.boxes);
  });

  it.each(Array.from({ length: 24 }, (_v, seed) => seed))(
    'keeps boxes on their defects and the template aligned (crop, shift, flips, transpose; seed %i)',
    (seed) => {
      const image = fixture();
      const out = augmentSample(image, new SeededRandom(seed), {
        outputWidth: 24,
        outputHeight: 24,
        boxCentredFraction: 0.7,
        maxShift: 6,
        transpose: true,
        brightness: 0,
        contrast: 0,
        minVisibleFraction: 1, // keep only whole boxes, so "inside a box" is exact
      });
      expect([out.width, out.height, out.frame.length, out.template?.length]).toEqual([24, 24, 576, 576]);
      const inBoxes = pixelsInBoxes(out);
      const differing = differingPixels(out);
      // Every kept box covers only defect pixels, and the template matches the frame elsewhere
      // except where a defect was cut by the crop (then its box was dropped).
      for (const p of inBoxes) expect(differing.has(p)).toBe(true);
      const stray = [...differing].filter((p) => !inBoxes.has(p));
      if (out.boxes.length === image.boxes.length) expect(stray).toEqual([]);
      for (const { box } of out.boxes) {
        expect(box.x1).toBeGreaterThanOrEqual(0);
        expect(box.y1).toBeGreaterThanOrEqual(0);
        expect(box.x2).toBeLessThanOrEqual(24);
        expect(box.y2).toBeLessThanOrEqual(24);
      }
    },
  );

  it('maps boxes exactly under flips and transposition of the whole image', () => {
    const image = fixture();
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const out = augmentSample(image, new SeededRandom(seed), { ...NO_AUGMENTATION, horizontalFlip: true, verticalFlip: true });
      expect(pixelsInBoxes(out)).toEqual(differingPixels(out));
      seen.add(JSON.stringify(out.boxes[0]?.box));
    }
    // no flip, h, v, both
    expect(seen).toEqual(
      new Set([
        JSON.stringify({ x1: 5, y1: 6, x2: 14, y2: 11 }),
        JSON.stringify({ x1: 34, y1: 6, x2: 43, y2: 11 }),
        JSON.stringify({ x1: 5, y1: 29, x2: 14, y2: 34 }),
        JSON.stringify({ x1: 34, y1: 29, x2: 43, y2: 34 }),
      ]),
    );
  });

  it('clips a box cut by the crop and drops it when too little stays visible', () => {
    const image = fixture();
    // Window at x0 = 10: the first box (x 5..14) keeps 4 of 9 columns; the second is whole.
    const found = [...Array(200).keys()]
      .map((seed) =>
        augmentSample(image, new SeededRandom(seed), { ...NO_AUGMENTATION, outputWidth: 32, outputHeight: 40, minVisibleFraction: 0.4 }),
      )
      .find((out) => out.boxes.some((b) => b.classId === 0 && b.box.x1 === 0));
    expect(found).toBeDefined();
    const cut = found?.boxes.find((b) => b.classId === 0)?.box;
    expect(cut?.x1).toBe(0);
    expect((cut?.x2 ?? 0) - (cut?.x1 ?? 0)).toBeGreaterThanOrEqual(0.4 * 9);
  });

  it('changes brightness and contrast of frame and template alike', () => {
    const image = fixture();
    const out = augmentSample(image, new SeededRandom(5), { ...NO_AUGMENTATION, brightness: 0.2, contrast: 0.3 });
    expect(out.frame).not.toEqual(image.frame);
    // Same photometric map on both: where the inputs agree, the outputs agree.
    for (let i = 0; i < image.frame.length; i++) {
      if (image.frame[i] === image.template?.[i]) expect(out.frame[i]).toBe(out.template?.[i]);
    }
  });

  it('is deterministic by seed', () => {
    const image = fixture();
    const options = { outputWidth: 32, outputHeight: 32, transpose: true };
    expect(augmentSample(image, new SeededRandom(9), options)).toEqual(augmentSample(image, new SeededRandom(9), options));
  });
});

describe('buildTrainingBatch', () => {
  it('stacks frame, template and |frame − template| like the preprocessor, NHWC or NCHW', () => {
    const image: TrainingImage = {
      id: 'a',
      width: 2,
      height: 1,
      channels: 1,
      frame: Uint8Array.from([255, 51]),
      template: Uint8Array.from([0, 102]),
      boxes: [],
    };
    const nhwc = buildTrainingBatch([image], 'stack-difference');
    expect(nhwc.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(nhwc.data)).toEqual([1, 0, 1, 0.2, 0.4, 0.2].map((v) => Math.fround(v)));
    const nchw = buildTrainingBatch([image], 'stack-difference', 'nchw');
    expect(nchw.shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(nchw.data)).toEqual([1, 0.2, 0, 0.4, 1, 0.2].map((v) => Math.fround(v)));
    expect(Array.from(buildTrainingBatch([image], 'difference').data)).toEqual([1, 0.2].map((v) => Math.fround(v)));
    expect(() => buildTrainingBatch([{ ...image, template: undefined }], 'stack')).toThrow('has no template');
  });
});
