import type { Box } from '@argus/contracts';
import type { HeadLayout } from './head.layout';

/** A ground-truth box in model-input pixels with its class index. */
export interface TargetBox {
  readonly box: Box;
  readonly classId: number;
}

export interface TargetAssignmentOptions {
  readonly classCount: number;
  /** `objectness`: channel 0 learns 1 at positives; `centerness`: it learns FCOS centre-ness. */
  readonly style: 'objectness' | 'centerness';
  /**
   * A cell is positive for a box when its centre is inside the box and within this many strides
   * of the box centre (FCOS "centre sampling"; default 2.5). The cell holding the box centre is
   * always positive, so no box is left without one.
   */
  readonly centreRadius?: number;
  /**
   * With several head levels, a box goes to the level whose range holds its longer side: level k
   * takes sides up to `levelSizeFactor`·stride_k (the last level takes the rest). Default 8.
   */
  readonly levelSizeFactor?: number;
}

/**
 * Per-cell training targets of one image, flattened like the head output (see HeadLayout).
 * Negative cells carry a harmless dummy box (their own cell) so the box loss stays finite.
 */
export interface HeadTargets {
  /** 1 at positive cells. */
  readonly positive: Float32Array;
  /** Target of channel 0: 1 (objectness) or centre-ness (centerness) at positives, 0 elsewhere. */
  readonly objectness: Float32Array;
  /** One-hot class targets, cells × classes. */
  readonly classes: Float32Array;
  /** Target boxes x1 y1 x2 y2, cells × 4, model-input pixels. */
  readonly boxes: Float32Array;
  /** Weight of each cell's box loss: centre-ness (centerness style) or 1 at positives, 0 elsewhere. */
  readonly boxWeight: Float32Array;
  readonly positiveCount: number;
}

/** FCOS centre-ness of a point at distances l, t, r, b from a box's sides: 1 at the centre, 0 at an edge. */
export function centreness(l: number, t: number, r: number, b: number): number {
  const [lc, tc, rc, bc] = [l, t, r, b].map((v) => Math.max(v, 0)) as [number, number, number, number];
  const h = Math.max(lc, rc) > 0 ? Math.min(lc, rc) / Math.max(lc, rc) : 0;
  const v = Math.max(tc, bc) > 0 ? Math.min(tc, bc) / Math.max(tc, bc) : 0;
  return Math.sqrt(h * v);
}

/** Which level (index into layout.levels) a box of this size goes to. */
export function levelForBox(box: Box, layout: HeadLayout, levelSizeFactor = 8): number {
  const side = Math.max(box.x2 - box.x1, box.y2 - box.y1);
  const levels = layout.levels;
  for (let k = 0; k < levels.length - 1; k++) {
    if (side <= levelSizeFactor * (levels[k] as { stride: number }).stride) return k;
  }
  return levels.length - 1;
}

/**
 * Anchor-free target assignment (FCOS-style with centre sampling): each box claims the cells of
 * its level whose centres lie inside it near its centre; a cell claimed by several boxes goes to
 * the smallest. Boxes with no area are ignored.
 */
export function assignHeadTargets(gt: readonly TargetBox[], layout: HeadLayout, options: TargetAssignmentOptions): HeadTargets {
  const n = layout.cellCount;
  const classCount = options.classCount;
  const radius = options.centreRadius ?? 2.5;
  const positive = new Float32Array(n);
  const objectness = new Float32Array(n);
  const classes = new Float32Array(n * classCount);
  const boxes = new Float32Array(n * 4);
  const boxWeight = new Float32Array(n);
  const ownerArea = new Float64Array(n).fill(Infinity);
  const owner = new Int32Array(n).fill(-1);
  const ownerCentreness = new Float32Array(n);

  gt.forEach(({ box, classId }, g) => {
    if (!(box.x2 > box.x1 && box.y2 > box.y1)) return;
    if (!Number.isInteger(classId) || classId < 0 || classId >= classCount) {
      throw new RangeError(`class id ${classId} is outside 0..${classCount - 1}`);
    }
    const level = layout.levels[levelForBox(box, layout, options.levelSizeFactor)];
    if (level === undefined) return;
    const s = level.stride;
    const area = (box.x2 - box.x1) * (box.y2 - box.y1);
    const gcx = (box.x1 + box.x2) / 2;
    const gcy = (box.y1 + box.y2) / 2;
    const centreCol = Math.min(level.cols - 1, Math.max(0, Math.floor(gcx / s)));
    const centreRow = Math.min(level.rows - 1, Math.max(0, Math.floor(gcy / s)));
    const c0 = Math.max(0, Math.floor(box.x1 / s));
    const c1 = Math.min(level.cols - 1, Math.floor(box.x2 / s));
    const r0 = Math.max(0, Math.floor(box.y1 / s));
    const r1 = Math.min(level.rows - 1, Math.floor(box.y2 / s));
    const claim = (row: number, col: number): void => {
      const cell = level.offset + row * level.cols + col;
      const cx = (col + 0.5) * s;
      const cy = (row + 0.5) * s;
      const l = cx - box.x1;
      const t = cy - box.y1;
      const r = box.x2 - cx;
      const b = box.y2 - cy;
      const isCentreCell = row === centreRow && col === centreCol;
      const inside = Math.min(l, t, r, b) > 0;
      const near = Math.abs(cx - gcx) < radius * s && Math.abs(cy - gcy) < radius * s;
      if (!isCentreCell && !(inside && near)) return;
      // A tiny box's centre cell may have its centre outside the box: give it a floor, not 0.
      const ctr = isCentreCell ? Math.max(centreness(l, t, r, b), 0.5) : centreness(l, t, r, b);
      if (area < (ownerArea[cell] as number)) {
        ownerArea[cell] = area;
        owner[cell] = g;
        ownerCentreness[cell] = ctr;
      }
    };
    if (centreRow < r0 || centreRow > r1 || centreCol < c0 || centreCol > c1) claim(centreRow, centreCol);
    for (let row = r0; row <= r1; row++) for (let col = c0; col <= c1; col++) claim(row, col);
  });

  let positiveCount = 0;
  for (let cell = 0; cell < n; cell++) {
    const g = owner[cell] as number;
    if (g < 0) {
      const cx = layout.centreX[cell] as number;
      const cy = layout.centreY[cell] as number;
      const half = (layout.strides[cell] as number) / 2;
      boxes.set([cx - half, cy - half, cx + half, cy + half], cell * 4);
      continue;
    }
    const { box, classId } = gt[g] as TargetBox;
    positiveCount++;
    positive[cell] = 1;
    const ctr = ownerCentreness[cell] as number;
    objectness[cell] = options.style === 'centerness' ? ctr : 1;
    boxWeight[cell] = options.style === 'centerness' ? ctr : 1;
    classes[cell * classCount + classId] = 1;
    boxes.set([box.x1, box.y1, box.x2, box.y2], cell * 4);
  }
  return { positive, objectness, classes, boxes, boxWeight, positiveCount };
}
