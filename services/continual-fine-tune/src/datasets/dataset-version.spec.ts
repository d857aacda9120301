import { createHash } from 'node:crypto';
import { parseSampleManifest } from '@argus/vision';
import type { FrameLabel } from '../labels/frame-label';
import { resolveFrameLabel } from '../labels/frame-label';
import { toCoco, toSampleManifest } from './dataset-export';
import { buildDatasetVersion, type DatasetVersionContent } from './dataset-version';
import { holdoutPosition, inHoldout } from './holdout';

const sha = (i: number) => createHash('sha256').update(`frame-${i}`).digest('hex');
const frameId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function label(i: number, overrides: Partial<FrameLabel> = {}): FrameLabel {
  return {
    frameId: frameId(i),
    lineId: 'pcb-1',
    cameraId: `aoi-${i % 2}`,
    reviewId: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    reviewerId: '00000000-0000-4000-8000-0000000000c1',
    decision: 'confirmed',
    boxes: i % 3 === 0 ? [] : [{ className: i % 3 === 1 ? 'short' : 'spur', box: { x1: i, y1: 1, x2: i + 10, y2: 11 } }],
    kind: i % 3 === 0 ? 'hard-negative' : 'defects',
    objectKey: `pcb-1/aoi/${i}.jpg`,
    templateKey: null,
    reviewedAt: '2026-12-07T10:00:00.000Z',
    ...overrides,
  };
}
const facts = (i: number) => ({ sha256: sha(i), width: 640, height: 640 });
const entry = (l: FrameLabel, i: number) => ({ resolved: resolveFrameLabel([l]), frame: facts(i) });

describe('the frozen holdout', () => {
  it('holds out about the share asked for, by content hash alone', () => {
    const n = 4000;
    const held = Array.from({ length: n }, (_, i) => inHoldout('pcb-1', sha(i), 0.2)).filter(Boolean).length;
    expect(held / n).toBeGreaterThan(0.18);
    expect(held / n).toBeLessThan(0.22);
    expect(inHoldout('pcb-1', sha(7), 0.2)).toBe(inHoldout('pcb-1', sha(7).toUpperCase(), 0.2));
    const position = holdoutPosition('pcb-1', sha(7));
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(1);
  });

  it('differs between lines, so one image is not held out everywhere', () => {
    const same = Array.from({ length: 400 }, (_, i) => inHoldout('pcb-1', sha(i), 0.5) === inHoldout('pcb-2', sha(i), 0.5)).filter(
      Boolean,
    ).length;
    expect(same).toBeGreaterThan(150);
    expect(same).toBeLessThan(250);
  });

  it('refuses a share outside (0, 1)', () => {
    expect(() => inHoldout('pcb-1', sha(1), 0)).toThrow(RangeError);
    expect(() => inHoldout('pcb-1', sha(1), 1)).toThrow(RangeError);
  });
});

describe('buildDatasetVersion', () => {
  const first = buildDatasetVersion({
    lineId: 'pcb-1',
    parent: null,
    holdoutShare: 0.25,
    labels: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => entry(label(i), i)),
  });

  it('splits by the holdout, counts per class and hard negatives', () => {
    const { content, counts } = first;
    expect(content.frames.map((f) => f.frameId)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(frameId));
    for (const f of content.frames) expect(f.split).toBe(inHoldout('pcb-1', f.sha256, 0.25) ? 'holdout' : 'train');
    expect(content.classes).toEqual(['short', 'spur']);
    expect(counts.frames.train + counts.frames.holdout).toBe(8);
    expect(counts.hardNegatives.train + counts.hardNegatives.holdout).toBe(2); // frames 3 and 6
    const short = counts.perClass['short']!;
    expect(short.trainFrames + short.holdoutFrames).toBe(3); // 1, 4, 7
    expect(first.changes).toEqual({ added: [1, 2, 3, 4, 5, 6, 7, 8].map(frameId), relabelled: [], unchanged: 0 });
  });

  it('gives equal content an equal fingerprint, whatever the order of the labels', () => {
    const again = buildDatasetVersion({
      lineId: 'pcb-1',
      parent: null,
      holdoutShare: 0.25,
      labels: [8, 7, 6, 5, 4, 3, 2, 1].map((i) => entry(label(i), i)),
    });
    expect(again.content.fingerprint).toBe(first.content.fingerprint);
    expect(first.content.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('builds the next version on its parent: new frames added, a changed label replaced, the holdout share frozen', () => {
    const relabel = label(2, { reviewId: '00000000-0000-4000-9000-00000000ffff', decision: 'rejected', boxes: [], kind: 'hard-negative' });
    const next = buildDatasetVersion({
      lineId: 'pcb-1',
      parent: first.content,
      holdoutShare: 0.9,
      labels: [entry(relabel, 2), entry(label(9), 9)],
    });
    expect(next.content.holdoutShare).toBe(0.25);
    expect(next.changes).toEqual({ added: [frameId(9)], relabelled: [frameId(2)], unchanged: 7 });
    expect(next.content.fingerprint).not.toBe(first.content.fingerprint);
    for (const f of first.content.frames) expect(next.content.frames.find((g) => g.frameId === f.frameId)!.split).toBe(f.split);
    // The parent is not changed: versions are immutable.
    expect(first.content.frames.find((f) => f.frameId === frameId(2))!.boxes).toHaveLength(1);
  });

  it('calls a second review with the same ground truth unchanged', () => {
    const same = label(1, { reviewId: '00000000-0000-4000-9000-00000000eeee', decision: 'corrected' });
    const next = buildDatasetVersion({ lineId: 'pcb-1', parent: first.content, holdoutShare: 0.25, labels: [entry(same, 1)] });
    expect(next.changes).toEqual({ added: [], relabelled: [], unchanged: 8 });
    expect(next.content.fingerprint).toBe(first.content.fingerprint);
  });

  it('refuses labels of another line, and a parent of another line', () => {
    expect(() => buildDatasetVersion({ lineId: 'pcb-2', parent: null, holdoutShare: 0.2, labels: [entry(label(1), 1)] })).toThrow(
      /belongs to line pcb-1/,
    );
    expect(() => buildDatasetVersion({ lineId: 'pcb-2', parent: first.content, holdoutShare: 0.2, labels: [] })).toThrow(
      /parent version belongs/,
    );
  });
});

describe('exports', () => {
  const content: DatasetVersionContent = buildDatasetVersion({
    lineId: 'pcb-1',
    parent: null,
    holdoutShare: 0.5,
    labels: [1, 2, 3, 4, 5, 6].map((i) => entry(label(i), i)),
  }).content;

  it('writes a sample manifest that the trainer’s loader reads back, split by split', () => {
    const all = parseSampleManifest(toSampleManifest(content, { name: 'pcb-1@1' }), 'v1');
    expect(all.name).toBe('pcb-1@1');
    expect(all.classes).toEqual(['short', 'spur']);
    expect(all.samples.map((s) => s.id)).toEqual(content.frames.map((f) => f.frameId));
    expect(all.samples[0]).toMatchObject({
      image: { kind: 'object', key: 'pcb-1/aoi/1.jpg' },
      boxes: content.frames[0]!.boxes,
      width: 640,
      height: 640,
    });
    const train = parseSampleManifest(toSampleManifest(content, { name: 'pcb-1@1', split: 'train' }), 'v1');
    const holdout = parseSampleManifest(toSampleManifest(content, { name: 'pcb-1@1', split: 'holdout' }), 'v1');
    expect(train.samples.length + holdout.samples.length).toBe(6);
    expect(holdout.samples.map((s) => s.id)).toEqual(content.frames.filter((f) => f.split === 'holdout').map((f) => f.frameId));
  });

  it('writes COCO with [x, y, w, h] boxes, one image per frame and categories from 1', () => {
    const coco = toCoco(content, { name: 'pcb-1@1' });
    expect(coco.categories).toEqual([
      { id: 1, name: 'short', supercategory: 'defect' },
      { id: 2, name: 'spur', supercategory: 'defect' },
    ]);
    expect(coco.images).toHaveLength(6);
    const first = coco.annotations[0]!;
    const image = coco.images.find((i) => i.id === first.image_id)!;
    const frame = content.frames.find((f) => f.frameId === image.argus_frame_id)!;
    const { x1, y1, x2, y2 } = frame.boxes[0]!.box;
    expect(first.bbox).toEqual([x1, y1, x2 - x1, y2 - y1]);
    expect(first.area).toBe((x2 - x1) * (y2 - y1));
    expect(coco.categories.find((c) => c.id === first.category_id)!.name).toBe(frame.boxes[0]!.className);
    expect(coco.annotations).toHaveLength(content.frames.reduce((n, f) => n + f.boxes.length, 0));
    expect(coco.info.version).toBe(content.fingerprint);
  });
});
