import type { FineTuneData } from '../continual/fine-tune';
import type { LabelledSample } from '../data/sample';
import { drawShots } from './shot.draw';

const frame = (id: string, boxes: number): LabelledSample => ({
  id,
  image: { kind: 'file', path: `/nowhere/${id}.png` },
  boxes: Array.from({ length: boxes }, () => ({ className: 'a', box: { x1: 0, y1: 0, x2: 2, y2: 2 } })),
  source: 'test',
});
const data: FineTuneData = {
  source: 'test:data',
  classes: ['a'],
  train: Array.from({ length: 30 }, (_, i) => frame(`t${i}`, i % 3 === 0 ? 0 : 1)),
  validation: [frame('v0', 1), frame('v1', 1)],
  split: 'a split',
};

describe('drawShots', () => {
  it('draws K distinct labelled training frames, the same for the same draw, others for another; validation untouched', () => {
    const a = drawShots(data, 5, 1, 0);
    expect(a.train).toHaveLength(5);
    expect(new Set(a.train.map((s) => s.id)).size).toBe(5);
    expect(a.train.every((s) => s.boxes.length > 0)).toBe(true);
    expect(drawShots(data, 5, 1, 0).train).toEqual(a.train);
    expect(drawShots(data, 5, 1, 1).train.map((s) => s.id)).not.toEqual(a.train.map((s) => s.id));
    expect(a.validation).toBe(data.validation);
    expect(a.split).toMatch(/^5 shot\(s\), draw 0 \(seed 1\), of the 20 labelled training frames/);
  });

  it('refuses more shots than labelled frames, and a K that is no whole number ≥ 1', () => {
    expect(() => drawShots(data, 21, 1)).toThrow(/20 labelled training frame\(s\); 21 shots asked for/);
    expect(() => drawShots(data, 0, 1)).toThrow(/whole number ≥ 1/);
  });
});
