import * as path from 'node:path';
import { AnnotationFormatError } from './annotation-format.error';
import { AnnotationIssueCollector } from './annotation-issue.collector';
import { loadDeepPcb, parseDeepPcbAnnotation } from './deeppcb.loader';
import { DEEPPCB_CLASSES } from './sample';

const fixture = path.resolve(__dirname, '../../test-fixtures/deeppcb-mini');

describe('loadDeepPcb', () => {
  it('reads the pairs trainval.txt lists, with test image, template, boxes and group', async () => {
    const dataset = await loadDeepPcb(fixture);
    expect(dataset.name).toBe('deeppcb');
    expect(dataset.classes).toEqual(['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole']);
    expect(dataset.samples.map((s) => s.id)).toEqual(['00041000', '00041001', '20085000']);
    const first = dataset.samples[0];
    expect(first?.image).toEqual({ kind: 'file', path: path.join(fixture, 'group00041/00041/00041000_test.jpg') });
    expect(first?.template).toEqual({ kind: 'file', path: path.join(fixture, 'group00041/00041/00041000_temp.jpg') });
    expect(first?.group).toBe('00041');
    expect(first?.boxes).toEqual([
      { className: 'open', box: { x1: 4, y1: 5, x2: 10, y2: 12 } },
      { className: 'pin-hole', box: { x1: 20, y1: 2, x2: 30, y2: 9 } },
    ]);
    expect(dataset.samples[2]?.group).toBe('20085');
    expect(dataset.skipped).toEqual([]);
  });

  it('accepts comma-separated box files with CRLF line ends and blank lines', async () => {
    const dataset = await loadDeepPcb(fixture);
    expect(dataset.samples[1]?.boxes).toEqual([
      { className: 'mousebite', box: { x1: 1, y1: 1, x2: 8, y2: 8 } },
      { className: 'copper', box: { x1: 12, y1: 14, x2: 20, y2: 30 } },
    ]);
  });

  it('fails on the first malformed line, naming file and line', async () => {
    const loading = loadDeepPcb(fixture, { listFile: 'broken.txt' });
    await expect(loading).rejects.toBeInstanceOf(AnnotationFormatError);
    await expect(loading).rejects.toThrow(/00041002\.txt:2: box \(5, 5, 3, 9\) is empty/);
  });

  it('skips malformed lines and counts them when asked to', async () => {
    const dataset = await loadDeepPcb(fixture, { listFile: 'broken.txt', onInvalid: 'skip' });
    expect(dataset.samples.map((s) => s.id)).toEqual(['00041000', '00041002']);
    expect(dataset.samples[1]?.boxes).toEqual([{ className: 'spur', box: { x1: 2, y1: 2, x2: 9, y2: 9 } }]);
    expect(dataset.skipped.map((s) => s.location)).toEqual([
      expect.stringMatching(/00041002\.txt:2$/),
      expect.stringMatching(/00041002\.txt:3$/),
      expect.stringMatching(/00041002\.txt:4$/),
    ]);
    expect(dataset.skipped[1]?.reason).toMatch(/type 7 is not one of 1\.\.6/);
    expect(dataset.skipped[2]?.reason).toMatch(/expected 5 fields/);
  });

  it('scans the group folders when told to (or when there is no pair list)', async () => {
    const dataset = await loadDeepPcb(fixture, { listFile: false, onInvalid: 'skip' });
    expect(dataset.samples.map((s) => `${s.group}/${s.id}`)).toEqual([
      '00041/00041000',
      '00041/00041001',
      '00041/00041002',
      '20085/20085000',
    ]);
    expect(dataset.skipped).toHaveLength(3);
  });

  it('says clearly when the data set or its list is missing', async () => {
    await expect(loadDeepPcb(path.join(fixture, 'nowhere'))).rejects.toThrow(/DeepPCB data set not found/);
    await expect(loadDeepPcb(fixture, { listFile: 'no-such-list.txt' })).rejects.toThrow(/pair list not found/);
  });
});

describe('parseDeepPcbAnnotation', () => {
  it('maps type ids 1..6 to the class names in order', () => {
    const text = DEEPPCB_CLASSES.map((_, i) => `0 0 10 10 ${i + 1}`).join('\n');
    expect(parseDeepPcbAnnotation(text, 'x.txt').map((b) => b.className)).toEqual([...DEEPPCB_CLASSES]);
  });

  it('rejects non-numeric fields and negative corners', () => {
    expect(() => parseDeepPcbAnnotation('1 2 three 4 1', 'a.txt')).toThrow('a.txt:1: "three" is not a number');
    expect(() => parseDeepPcbAnnotation('\n-1 2 3 4 1', 'a.txt')).toThrow('a.txt:2: box corner (-1, 2) is negative');
  });

  it('collects every problem under the skip policy', () => {
    const issues = new AnnotationIssueCollector('skip');
    const boxes = parseDeepPcbAnnotation('1 1 5 5 0\n1 1 5 5 2\n1 1 5 5 1.5', 'b.txt', issues);
    expect(boxes).toHaveLength(1);
    expect(issues.skipped).toHaveLength(2);
  });
});
