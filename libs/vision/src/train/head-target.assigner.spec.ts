import { assignHeadTargets, centreness, levelForBox } from './head-target.assigner';
import { HeadLayout } from './head.layout';

describe('HeadLayout', () => {
  it('flattens levels by ascending stride, row-major, with cell centres', () => {
    const layout = new HeadLayout(16, 8, [8, 4]);
    expect(layout.levels).toEqual([
      { stride: 4, rows: 2, cols: 4, offset: 0 },
      { stride: 8, rows: 1, cols: 2, offset: 8 },
    ]);
    expect(layout.cellCount).toBe(10);
    // cell (row 1, col 2) of stride 4 and cell (0, 1) of stride 8
    expect([layout.centreX[6], layout.centreY[6], layout.strides[6]]).toEqual([10, 6, 4]);
    expect([layout.centreX[9], layout.centreY[9], layout.strides[9]]).toEqual([12, 4, 8]);
  });
});

describe('centreness', () => {
  it('is 1 at the centre, 0 on an edge, FCOS formula between', () => {
    expect(centreness(5, 5, 5, 5)).toBe(1);
    expect(centreness(0, 3, 6, 3)).toBe(0);
    expect(centreness(2, 3, 6, 1)).toBeCloseTo(Math.sqrt((2 / 6) * (1 / 3)), 10);
  });
});

describe('assignHeadTargets', () => {
  const layout = new HeadLayout(32, 32, [8]); // 4×4 cells, centres at 4, 12, 20, 28

  it('marks the cells whose centres lie inside a box near its centre, with its class and box', () => {
    const box = { x1: 2, y1: 2, x2: 22, y2: 14 }; // covers centres x ∈ {4, 12, 20}, y ∈ {4, 12}
    const t = assignHeadTargets([{ box, classId: 1 }], layout, { classCount: 3, style: 'objectness', centreRadius: 10 });
    const positives = [...t.positive].map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0);
    expect(positives).toEqual([0, 1, 2, 4, 5, 6]);
    expect(t.positiveCount).toBe(6);
    for (const cell of positives) {
      expect(t.objectness[cell]).toBe(1);
      expect(t.boxWeight[cell]).toBe(1);
      expect([...t.classes.slice(cell * 3, cell * 3 + 3)]).toEqual([0, 1, 0]);
      expect([...t.boxes.slice(cell * 4, cell * 4 + 4)]).toEqual([2, 2, 22, 14]);
    }
    // A negative cell: zero targets, a dummy box of its own cell (finite loss).
    expect(t.objectness[15]).toBe(0);
    expect([...t.classes.slice(45, 48)]).toEqual([0, 0, 0]);
    expect([...t.boxes.slice(60, 64)]).toEqual([24, 24, 32, 32]);
  });

  it('limits positives to the centre radius (in strides) and uses centre-ness as the centerness target', () => {
    const box = { x1: 0, y1: 0, x2: 32, y2: 32 };
    const t = assignHeadTargets([{ box, classId: 0 }], layout, { classCount: 1, style: 'centerness', centreRadius: 1 });
    // Centre (16, 16): only centres within 8 px on both axes: x, y ∈ {12, 20}.
    expect([...t.positive].map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0)).toEqual([5, 6, 9, 10]);
    // Cell 5 has centre (12, 12): l = t = 12, r = b = 20.
    expect(t.objectness[5]).toBeCloseTo(12 / 20, 6);
    expect(t.boxWeight[5]).toBeCloseTo(12 / 20, 6);
  });

  it('gives a cell claimed by two boxes to the smaller one', () => {
    const big = { box: { x1: 0, y1: 0, x2: 32, y2: 32 }, classId: 0 };
    const small = { box: { x1: 8, y1: 8, x2: 16, y2: 16 }, classId: 1 };
    const t = assignHeadTargets([big, small], layout, { classCount: 2, style: 'objectness', centreRadius: 3 });
    expect([...t.classes.slice(5 * 2, 5 * 2 + 2)]).toEqual([0, 1]); // cell (1,1), centre (12,12)
    expect([...t.boxes.slice(5 * 4, 5 * 4 + 4)]).toEqual([8, 8, 16, 16]);
    expect([...t.classes.slice(0, 2)]).toEqual([1, 0]); // cell (0,0) belongs to the big box
  });

  it('always gives a box smaller than a cell the cell holding its centre', () => {
    const tiny = { box: { x1: 13, y1: 1, x2: 15, y2: 3 }, classId: 0 }; // no cell centre inside
    const t = assignHeadTargets([tiny], layout, { classCount: 1, style: 'centerness' });
    expect(t.positiveCount).toBe(1);
    expect(t.positive[1]).toBe(1); // row 0, col 1
    expect(t.objectness[1]).toBe(0.5);
  });

  it('ignores empty boxes and rejects class ids outside the vocabulary', () => {
    expect(
      assignHeadTargets([{ box: { x1: 5, y1: 5, x2: 5, y2: 9 }, classId: 0 }], layout, { classCount: 1, style: 'objectness' })
        .positiveCount,
    ).toBe(0);
    expect(() =>
      assignHeadTargets([{ box: { x1: 0, y1: 0, x2: 9, y2: 9 }, classId: 2 }], layout, { classCount: 2, style: 'objectness' }),
    ).toThrow('class id 2 is outside 0..1');
  });

  it('sends small boxes to the fine level and large ones to the coarse level', () => {
    const twoLevels = new HeadLayout(64, 64, [8, 16]);
    expect(levelForBox({ x1: 0, y1: 0, x2: 20, y2: 10 }, twoLevels, 4)).toBe(0);
    expect(levelForBox({ x1: 0, y1: 0, x2: 40, y2: 10 }, twoLevels, 4)).toBe(1);
    const t = assignHeadTargets([{ box: { x1: 0, y1: 0, x2: 48, y2: 48 }, classId: 0 }], twoLevels, {
      classCount: 1,
      style: 'objectness',
      levelSizeFactor: 4,
    });
    const fine = twoLevels.levels[0]?.rows ?? 0;
    expect([...t.positive.slice(0, fine * fine)].every((v) => v === 0)).toBe(true);
    expect(t.positiveCount).toBeGreaterThan(0);
  });
});
