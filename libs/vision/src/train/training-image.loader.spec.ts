import { encodeImage } from '../data/image-codec';
import type { LabelledSample } from '../data/sample';
import { loadTrainingImages } from './training-image.loader';

async function png(width: number, height: number, value: number): Promise<Uint8Array> {
  return encodeImage({ data: new Uint8Array(width * height).fill(value), width, height, channels: 1 }, 'png');
}

describe('loadTrainingImages', () => {
  it('letterboxes good samples and skips bad ones with a reason, never failing the run', async () => {
    const good = await png(64, 32, 200);
    const template = await png(64, 32, 10);
    const samples: LabelledSample[] = [
      {
        id: 'good',
        image: { kind: 'encoded', bytes: good, format: 'png' },
        template: { kind: 'encoded', bytes: template, format: 'png' },
        boxes: [
          { className: 'open', box: { x1: 8, y1: 4, x2: 24, y2: 20 } },
          { className: 'alien', box: { x1: 1, y1: 1, x2: 5, y2: 5 } },
        ],
        source: 'test',
      },
      {
        id: 'corrupt',
        image: { kind: 'encoded', bytes: good.subarray(0, 30), format: 'png' },
        template: { kind: 'encoded', bytes: template, format: 'png' },
        boxes: [],
        source: 'test',
      },
      { id: 'no-template', image: { kind: 'encoded', bytes: good, format: 'png' }, boxes: [], source: 'test' },
      {
        id: 'mismatch',
        image: { kind: 'encoded', bytes: good, format: 'png' },
        template: { kind: 'encoded', bytes: await png(32, 32, 0), format: 'png' },
        boxes: [],
        source: 'test',
      },
      {
        id: 'box-outside',
        image: { kind: 'encoded', bytes: good, format: 'png' },
        template: { kind: 'encoded', bytes: template, format: 'png' },
        boxes: [{ className: 'open', box: { x1: 0, y1: 0, x2: 90, y2: 9 } }],
        source: 'test',
      },
    ];
    const progress: number[] = [];
    const { images, skipped, unknownClassBoxes } = await loadTrainingImages(samples, {
      width: 32,
      height: 32,
      channels: 1,
      templateMode: 'stack-difference',
      classes: ['open', 'short'],
      onProgress: (done) => progress.push(done),
    });
    expect(images.map((i) => i.id)).toEqual(['good']);
    const image = images[0];
    // 64×32 → 32×16, centred: 8 rows of padding above.
    expect(image?.mapping).toMatchObject({ scaleX: 0.5, scaleY: 0.5, padX: 0, padY: 8 });
    expect(image?.boxes).toEqual([{ box: { x1: 4, y1: 10, x2: 12, y2: 18 }, classId: 0 }]);
    expect(image?.groundTruth).toEqual([{ className: 'open', box: { x1: 8, y1: 4, x2: 24, y2: 20 } }]);
    expect(image?.frame[16 * 32 + 5]).toBe(200);
    expect(image?.frame[2 * 32 + 5]).toBe(0); // padding
    expect(image?.template?.[16 * 32 + 5]).toBe(10);
    expect(unknownClassBoxes).toBe(1);
    expect(skipped.map((s) => s.id)).toEqual(['corrupt', 'no-template', 'mismatch', 'box-outside']);
    expect(skipped[1]?.reason).toContain('none was given');
    expect(skipped[2]?.reason).toMatch(/template/i);
    expect(skipped[3]?.reason).toContain('lies outside the 64x32 image');
    expect(progress.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  });
});
