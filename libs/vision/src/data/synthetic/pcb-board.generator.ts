import type { Box } from '@argus/contracts';
import { DEEPPCB_CLASSES, type DeepPcbClass, type SampleBox } from '../sample';
import type { SeededRandom } from '../seeded-random';
import { circleShape, polygonShape, RasterCanvas, rectShape, type PaintedExtent } from './raster-canvas';
import {
  boxesTouch,
  resolveSize,
  sceneId,
  sceneRandom,
  type SyntheticGenerator,
  type SyntheticGeneratorOptions,
  type SyntheticScene,
} from './synthetic-scene';

export interface PcbBoardOptions extends SyntheticGeneratorOptions {
  /** Defects per board (default 2..8, DeepPCB has 3..12 on 640×640). */
  readonly minDefects?: number;
  readonly maxDefects?: number;
  /** Pixels added around a defect's changed pixels for its box (default 2 × size/256). */
  readonly boxMargin?: number;
  /**
   * Draw every scene on the board of scene `board` (its template is the same for all of them),
   * with each scene's own defects: what an AOI camera on one product sees, and what a line's
   * single golden template fits. Default: every scene is its own board, as in DeepPCB's pairs.
   */
  readonly board?: number;
}

const COPPER = [0, 0, 0] as const;
const BOARD = [255, 255, 255] as const;

interface Segment {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly width: number;
  readonly horizontal: boolean;
}

/**
 * Binarised PCB crops like DeepPCB's: black copper traces (Manhattan polylines), pads with
 * drill holes and copper pours on white, each with a defect-free template of the same board.
 * Defects are DeepPCB's six: open (a cut trace), short (a bridge to a neighbour), mousebite
 * (bites out of a trace edge), spur (a sliver sticking out of an edge), spurious copper (an
 * island) and pin-hole (a hole in copper). A box bounds the pixels where frame and template
 * differ for that defect, plus a small margin.
 */
export function createPcbBoardGenerator(options: PcbBoardOptions): SyntheticGenerator {
  const { width, height } = resolveSize(options);
  const name = 'pcb';
  const minDefects = options.minDefects ?? 2;
  const maxDefects = options.maxDefects ?? 8;
  return {
    name,
    classes: DEEPPCB_CLASSES,
    usesTemplate: true,
    width,
    height,
    generate(index: number): SyntheticScene {
      const rng = sceneRandom(name, options.seed, index);
      const s = Math.min(width, height) / 256;
      const margin = options.boxMargin ?? 2 * s;
      const canvas = new RasterCanvas(width, height);
      canvas.shade(() => BOARD);
      // A shared board comes from its own scene's random stream, so it is that scene's board.
      const segments = drawBoard(canvas, options.board === undefined ? rng : sceneRandom(name, options.seed, options.board), s);
      const template = canvas.clone();
      const wanted = rng.int(minDefects, maxDefects);
      const placed: { className: DeepPcbClass; extent: Box }[] = [];
      for (let attempts = 0; placed.length < wanted && attempts < wanted * 30; attempts++) {
        const className = rng.pick(DEEPPCB_CLASSES);
        const extent = drawDefect(
          canvas,
          rng,
          className,
          segments,
          s,
          placed.map((p) => p.extent),
        );
        if (extent) placed.push({ className, extent });
      }
      binarise(canvas);
      binarise(template);
      const boxes: SampleBox[] = [];
      for (const p of placed) {
        const changed = differingExtent(canvas, template, p.extent);
        if (!changed) continue;
        boxes.push({
          className: p.className,
          box: {
            x1: Math.max(0, Math.floor(changed.x1 - margin)),
            y1: Math.max(0, Math.floor(changed.y1 - margin)),
            x2: Math.min(width, Math.ceil(changed.x2 + margin)),
            y2: Math.min(height, Math.ceil(changed.y2 + margin)),
          },
        });
      }
      if (options.noise) {
        canvas.addNoise(rng.fork(), options.noise);
        template.addNoise(rng.fork(), options.noise);
      }
      return { id: sceneId(name, options.seed, index), image: canvas.toRawImage(), template: template.toRawImage(), boxes };
    },
  };
}

function drawBoard(canvas: RasterCanvas, rng: SeededRandom, s: number): Segment[] {
  const { width, height } = canvas;
  const segments: Segment[] = [];
  const grid = 4 * s;
  const snap = (v: number) => Math.round(v / grid) * grid;
  // Copper pours: large filled areas.
  for (let k = rng.int(0, 2); k > 0; k--) {
    const w = rng.uniform(30, 70) * s;
    const h = rng.uniform(20, 50) * s;
    const x = snap(rng.uniform(0, width - w));
    const y = snap(rng.uniform(0, height - h));
    const pour = rectShape(x, y, x + w, y + h);
    canvas.paint(pour.bounds, pour.coverage, COPPER);
  }
  const traces = rng.int(6, 11);
  for (let t = 0; t < traces; t++) {
    const w = Math.max(3, snap(rng.uniform(5, 9) * s) || 4 * s);
    let x = snap(rng.uniform(0.05, 0.95) * width);
    let y = snap(rng.uniform(0.05, 0.95) * height);
    let horizontal = rng.chance(0.5);
    const ends: [number, number][] = [[x, y]];
    for (let k = rng.int(1, 4); k > 0; k--) {
      const len = rng.uniform(25, 120) * s * (rng.chance(0.5) ? 1 : -1);
      const nx = horizontal ? Math.min(width - 4 * s, Math.max(4 * s, snap(x + len))) : x;
      const ny = horizontal ? y : Math.min(height - 4 * s, Math.max(4 * s, snap(y + len)));
      const seg: Segment = {
        x1: Math.min(x, nx) - w / 2,
        y1: Math.min(y, ny) - w / 2,
        x2: Math.max(x, nx) + w / 2,
        y2: Math.max(y, ny) + w / 2,
        width: w,
        horizontal,
      };
      const r = rectShape(seg.x1, seg.y1, seg.x2, seg.y2);
      canvas.paint(r.bounds, r.coverage, COPPER);
      if ((horizontal ? seg.x2 - seg.x1 : seg.y2 - seg.y1) > 4 * w) segments.push(seg);
      x = nx;
      y = ny;
      horizontal = !horizontal;
      ends.push([x, y]);
    }
    // Pads at both ends, some with a drill hole.
    for (const [px, py] of [ends[0], ends[ends.length - 1]] as [number, number][]) {
      const r = w * rng.uniform(1.1, 1.7);
      const pad = rng.chance(0.6) ? circleShape(px, py, r) : rectShape(px - r, py - r, px + r, py + r);
      canvas.paint(pad.bounds, pad.coverage, COPPER);
      if (rng.chance(0.6)) {
        const drill = circleShape(px, py, r * 0.4);
        canvas.paint(drill.bounds, drill.coverage, BOARD);
      }
    }
  }
  return segments;
}

function isCopper(canvas: RasterCanvas, x: number, y: number): boolean {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  if (xi < 0 || yi < 0 || xi >= canvas.width || yi >= canvas.height) return false;
  return (canvas.data[(yi * canvas.width + xi) * 3] as number) < 128;
}

/** Every pixel centre in the disc has the wanted state (copper or board). */
function discIs(canvas: RasterCanvas, cx: number, cy: number, r: number, copper: boolean): boolean {
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      if (Math.hypot(x + 0.5 - cx, y + 0.5 - cy) > r) continue;
      if (x < 0 || y < 0 || x >= canvas.width || y >= canvas.height) return false;
      if (isCopper(canvas, x, y) !== copper) return false;
    }
  }
  return true;
}

function drawDefect(
  canvas: RasterCanvas,
  rng: SeededRandom,
  className: DeepPcbClass,
  segments: readonly Segment[],
  s: number,
  taken: readonly Box[],
): PaintedExtent {
  const clear = (b: Box) => !taken.some((t) => boxesTouch(t, b, 6 * s));
  const seg = segments.length > 0 ? rng.pick(segments) : undefined;
  // A point along the middle of a segment's axis, and the axis' half width.
  const along = (g: Segment) => {
    const t = rng.uniform(0.25, 0.75);
    return g.horizontal ? { x: g.x1 + (g.x2 - g.x1) * t, y: (g.y1 + g.y2) / 2 } : { x: (g.x1 + g.x2) / 2, y: g.y1 + (g.y2 - g.y1) * t };
  };
  switch (className) {
    case 'open': {
      if (!seg) return null;
      const p = along(seg);
      const gap = rng.uniform(3, 6) * s;
      const half = seg.width / 2 + 0.5;
      const cut = seg.horizontal
        ? rectShape(p.x - gap / 2, p.y - half, p.x + gap / 2, p.y + half)
        : rectShape(p.x - half, p.y - gap / 2, p.x + half, p.y + gap / 2);
      if (!clear(cut.bounds)) return null;
      return canvas.paint(cut.bounds, cut.coverage, BOARD);
    }
    case 'mousebite': {
      if (!seg) return null;
      const p = along(seg);
      const side = rng.pick([-1, 1]);
      const r = seg.width * rng.uniform(0.25, 0.4);
      const bites = rng.int(1, 3);
      const shapes = Array.from({ length: bites }, (_, k) => {
        const offset = (k - (bites - 1) / 2) * r * 1.6;
        return seg.horizontal
          ? circleShape(p.x + offset, p.y + side * (seg.width / 2), r)
          : circleShape(p.x + side * (seg.width / 2), p.y + offset, r);
      });
      const bounds = shapes.map((b) => b.bounds).reduce(union);
      if (!clear(bounds)) return null;
      return shapes.reduce<PaintedExtent>((a, b) => unionOrNull(a, canvas.paint(b.bounds, b.coverage, BOARD)), null);
    }
    case 'spur': {
      if (!seg) return null;
      const p = along(seg);
      const side = rng.pick([-1, 1]);
      const len = rng.uniform(4, 10) * s;
      const base = rng.uniform(2, 4) * s;
      const edge = seg.width / 2;
      const tipShift = rng.uniform(-0.6, 0.6) * len;
      const pts: [number, number][] = seg.horizontal
        ? [
            [p.x - base / 2, p.y + side * (edge - 0.5)],
            [p.x + base / 2, p.y + side * (edge - 0.5)],
            [p.x + tipShift, p.y + side * (edge + len)],
          ]
        : [
            [p.x + side * (edge - 0.5), p.y - base / 2],
            [p.x + side * (edge - 0.5), p.y + base / 2],
            [p.x + side * (edge + len), p.y + tipShift],
          ];
      const spur = polygonShape(pts);
      const [tipX, tipY] = pts[2] as [number, number];
      if (!clear(spur.bounds) || !discIs(canvas, tipX, tipY, 3 * s, false)) return null;
      return canvas.paint(spur.bounds, spur.coverage, COPPER);
    }
    case 'short': {
      if (!seg) return null;
      const p = along(seg);
      const side = rng.pick([-1, 1]);
      const edge = seg.width / 2;
      const thickness = rng.uniform(2, 3.5) * s;
      // Walk out from the edge until other copper is met, within reach.
      for (let d = 2 * s; d < 28 * s; d += 0.5) {
        const qx = seg.horizontal ? p.x : p.x + side * (edge + d);
        const qy = seg.horizontal ? p.y + side * (edge + d) : p.y;
        if (!isCopper(canvas, qx, qy)) continue;
        if (d < 3 * s) return null; // already touching: nothing to bridge
        const a = seg.horizontal ? p.y + side * (edge - 0.5) : p.x + side * (edge - 0.5);
        const b = seg.horizontal ? qy + side : qx + side;
        const bridge = seg.horizontal
          ? rectShape(p.x - thickness / 2, Math.min(a, b), p.x + thickness / 2, Math.max(a, b))
          : rectShape(Math.min(a, b), p.y - thickness / 2, Math.max(a, b), p.y + thickness / 2);
        if (!clear(bridge.bounds)) return null;
        return canvas.paint(bridge.bounds, bridge.coverage, COPPER);
      }
      return null;
    }
    case 'copper': {
      const r = rng.uniform(2.5, 6) * s;
      const cx = rng.uniform(r + 2, canvas.width - r - 2);
      const cy = rng.uniform(r + 2, canvas.height - r - 2);
      if (!discIs(canvas, cx, cy, r + 4 * s, false)) return null;
      const n = rng.int(5, 8);
      const blob = polygonShape(
        Array.from({ length: n }, (_, k) => {
          const a = (k / n) * 2 * Math.PI;
          const rr = r * rng.uniform(0.6, 1);
          return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)] as [number, number];
        }),
      );
      if (!clear(blob.bounds)) return null;
      return canvas.paint(blob.bounds, blob.coverage, COPPER);
    }
    case 'pin-hole': {
      const r = rng.uniform(1.5, 2.8) * s;
      // A spot inside copper with a rim of copper around the hole: a pour, pad or wide trace.
      for (let tries = 0; tries < 40; tries++) {
        const cx = rng.uniform(0, canvas.width);
        const cy = rng.uniform(0, canvas.height);
        if (!discIs(canvas, cx, cy, r + 1.5 * s, true)) continue;
        const hole = circleShape(cx, cy, r);
        if (!clear(hole.bounds)) return null;
        return canvas.paint(hole.bounds, hole.coverage, BOARD);
      }
      return null;
    }
  }
}

function binarise(canvas: RasterCanvas): void {
  const d = canvas.data;
  for (let i = 0; i < d.length; i += 3) {
    const v = (d[i] as number) < 128 ? 0 : 255;
    d[i] = v;
    d[i + 1] = v;
    d[i + 2] = v;
  }
}

/** Bounds of pixels where two canvases differ, inside a region (or null). */
function differingExtent(a: RasterCanvas, b: RasterCanvas, region: Box): PaintedExtent {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let y = Math.max(0, Math.floor(region.y1)); y < Math.min(a.height, Math.ceil(region.y2)); y++) {
    for (let x = Math.max(0, Math.floor(region.x1)); x < Math.min(a.width, Math.ceil(region.x2)); x++) {
      const i = (y * a.width + x) * 3;
      if (a.data[i] !== b.data[i]) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
    }
  }
  return x1 === Infinity ? null : { x1, y1, x2, y2 };
}

function union(a: Box, b: Box): Box {
  return { x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2) };
}

function unionOrNull(a: PaintedExtent, b: PaintedExtent): PaintedExtent {
  return a && b ? union(a, b) : (a ?? b);
}
