import * as path from 'node:path';
import { AnnotationFormatError } from './annotation-format.error';
import { loadPascalVoc, parseVocAnnotation } from './pascal-voc.loader';
import { BCCD_CLASSES } from './sample';

const fixture = path.resolve(__dirname, '../../test-fixtures/voc-mini');

describe('loadPascalVoc', () => {
  it('reads a split list, sizes, classes, difficult flags and boxes in any tag order', async () => {
    const dataset = await loadPascalVoc(fixture, { split: 'train', classes: BCCD_CLASSES, name: 'bccd' });
    expect(dataset.name).toBe('bccd');
    expect(dataset.classes).toEqual(['RBC', 'WBC', 'Platelets']);
    expect(dataset.samples).toEqual([
      {
        id: 'BloodImage_00001',
        image: { kind: 'file', path: path.join(fixture, 'JPEGImages/BloodImage_00001.jpg') },
        boxes: [
          { className: 'WBC', box: { x1: 10, y1: 8, x2: 30, y2: 28 } },
          { className: 'RBC', box: { x1: 40, y1: 30, x2: 64, y2: 48 }, difficult: true },
        ],
        source: 'bccd',
        width: 64,
        height: 48,
      },
    ]);
  });

  it('fails on a zero-size box naming the file and line', async () => {
    const loading = loadPascalVoc(fixture, { split: 'val' });
    await expect(loading).rejects.toBeInstanceOf(AnnotationFormatError);
    await expect(loading).rejects.toThrow(/BloodImage_00002\.xml:19: "RBC": box \(33, 20, 33, 20\) is empty/);
  });

  it('skips bad objects with a count, and derives the class list from the annotations', async () => {
    const dataset = await loadPascalVoc(fixture, { onInvalid: 'skip' });
    expect(dataset.samples.map((s) => s.boxes.length)).toEqual([2, 1]);
    expect(dataset.skipped).toHaveLength(1);
    expect(dataset.classes).toEqual(['Platelets', 'RBC', 'WBC']);
  });

  it('says which split list it looked for', async () => {
    await expect(loadPascalVoc(fixture, { split: 'test' })).rejects.toThrow(/split list not found: tried .*test\.txt/);
  });
});

describe('parseVocAnnotation', () => {
  const wrap = (objects: string) => `<annotation>\n<size><width>100</width><height>50</height></size>\n${objects}\n</annotation>`;

  it('rejects unknown classes, missing boxes, non-numeric and out-of-image coordinates', () => {
    const known = new Set(['a']);
    expect(() => parseVocAnnotation(wrap('<object><name>b</name></object>'), 'f.xml', undefined, known)).toThrow(
      'f.xml:3: class "b" is not one of a',
    );
    expect(() => parseVocAnnotation(wrap('<object><name>a</name></object>'), 'f.xml')).toThrow('has no <bndbox>');
    expect(() =>
      parseVocAnnotation(
        wrap('<object><name>a</name><bndbox><xmin>x</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax></bndbox></object>'),
        'f.xml',
      ),
    ).toThrow('needs numeric xmin');
    expect(() =>
      parseVocAnnotation(
        wrap('<object><name>a</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>101</xmax><ymax>3</ymax></bndbox></object>'),
        'f.xml',
      ),
    ).toThrow('outside the 100x50 image');
  });

  it('rejects a file that is not (or no longer) a VOC annotation', () => {
    expect(() => parseVocAnnotation('<annotation><object>', 'cut.xml')).toThrow('cut.xml: not a Pascal VOC annotation');
  });
});
