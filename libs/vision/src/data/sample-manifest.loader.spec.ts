import * as path from 'node:path';
import { AnnotationFormatError } from './annotation-format.error';
import { formatSampleManifest, parseSampleManifest } from './sample-manifest.loader';
import type { LabelledDataset } from './sample';

const header = '{"manifest":"argus.labelled-samples","version":1,"classes":["scratch","dent"],"name":"line-3"}';
const sample = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'r-1',
    image: 'frames/line-3/a.jpg',
    template: 'templates/line-3.png',
    boxes: [{ className: 'dent', box: { x1: 4, y1: 5, x2: 20, y2: 30 } }],
    source: 'review',
    ...extra,
  });

describe('parseSampleManifest', () => {
  it('reads the header vocabulary and samples as object-store refs', () => {
    const dataset = parseSampleManifest(`${header}\n${sample()}\n`, 'm.jsonl');
    expect(dataset.name).toBe('line-3');
    expect(dataset.classes).toEqual(['scratch', 'dent']);
    expect(dataset.samples).toEqual([
      {
        id: 'r-1',
        image: { kind: 'object', key: 'frames/line-3/a.jpg' },
        template: { kind: 'object', key: 'templates/line-3.png' },
        boxes: [{ className: 'dent', box: { x1: 4, y1: 5, x2: 20, y2: 30 } }],
        source: 'review',
      },
    ]);
  });

  it('turns keys into files under baseDir, and ids default to the image key', () => {
    const dataset = parseSampleManifest(sample({ id: undefined, template: null }), 'm.jsonl', { baseDir: '/data' });
    expect(dataset.samples[0]?.id).toBe('frames/line-3/a.jpg');
    expect(dataset.samples[0]?.image).toEqual({ kind: 'file', path: path.join('/data', 'frames/line-3/a.jpg') });
    expect(dataset.samples[0]?.template).toBeUndefined();
    expect(dataset.classes).toEqual(['dent']);
  });

  it.each([
    ['not JSON', '{oops', /m\.jsonl:2: not valid JSON/],
    ['a bad key', sample({ image: '/abs/path.jpg' }), /m\.jsonl:2: image: must be relative/],
    [
      'an empty box',
      sample({ boxes: [{ className: 'dent', box: { x1: 5, y1: 5, x2: 5, y2: 9 } }] }),
      /m\.jsonl:2: boxes\.0\.box: box must have x2 > x1/,
    ],
    [
      'an unknown class',
      sample({ boxes: [{ className: 'rust', box: { x1: 1, y1: 1, x2: 5, y2: 9 } }] }),
      /m\.jsonl:2: class "rust" is not one of scratch, dent/,
    ],
    ['a box outside the image', sample({ width: 10, height: 10 }), /m\.jsonl:2: box of "dent" lies outside the 10x10 image/],
    ['no source', sample({ source: undefined }), /m\.jsonl:2: source: /],
  ])('fails on %s naming file:line', (_name, line, message) => {
    let error: unknown;
    try {
      parseSampleManifest(`${header}\n${line}`, 'm.jsonl');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnnotationFormatError);
    expect((error as Error).message).toMatch(message);
  });

  it('skips bad records and duplicates with a count under the skip policy', () => {
    const text = [header, sample(), sample(), '{oops', sample({ id: 'r-2' })].join('\n');
    const dataset = parseSampleManifest(text, 'm.jsonl', { onInvalid: 'skip' });
    expect(dataset.samples.map((s) => s.id)).toEqual(['r-1', 'r-2']);
    expect(dataset.skipped).toEqual([
      { location: 'm.jsonl:3', reason: 'duplicate sample id "r-1"' },
      expect.objectContaining({ location: 'm.jsonl:4' }),
    ]);
  });

  it('refuses a header that is not first', () => {
    expect(() => parseSampleManifest(`${sample()}\n${header}`, 'm.jsonl')).toThrow('m.jsonl:2: the header must be the first line');
  });
});

describe('formatSampleManifest', () => {
  it('round-trips through the parser', () => {
    const dataset: LabelledDataset = {
      name: 'line-3',
      classes: ['scratch', 'dent'],
      samples: [
        {
          id: 'a',
          image: { kind: 'file', path: '/data/frames/a.png' },
          template: { kind: 'object', key: 'templates/t.png' },
          boxes: [{ className: 'scratch', box: { x1: 1, y1: 2, x2: 3, y2: 4 }, difficult: true }],
          source: 'synthetic:factory',
          group: 'g1',
          width: 8,
          height: 8,
        },
      ],
      skipped: [],
    };
    const text = formatSampleManifest(dataset, { baseDir: '/data' });
    const back = parseSampleManifest(text, 'm.jsonl', { baseDir: '/data' });
    expect(back.classes).toEqual(dataset.classes);
    expect(back.samples).toEqual([{ ...dataset.samples[0], template: { kind: 'file', path: '/data/templates/t.png' } }]);
  });

  it('refuses in-memory images, which have no key', () => {
    const dataset: LabelledDataset = {
      name: 'x',
      classes: ['a'],
      samples: [{ id: 'm', image: { kind: 'encoded', bytes: new Uint8Array(1), format: 'png' }, boxes: [], source: 's' }],
      skipped: [],
    };
    expect(() => formatSampleManifest(dataset)).toThrow('sample "m": a encoded image has no object key');
  });
});
