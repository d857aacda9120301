import type { Box } from '@argus/contracts';
import { FACTORY_CLASSES, type SampleBox } from '../sample';
import type { SeededRandom } from '../seeded-random';
import {
  capsuleShape,
  circleShape,
  ellipseShape,
  mixRgb,
  RasterCanvas,
  roundedRectShape,
  unionExtent,
  type PaintedExtent,
  type Rgb,
  type ShapeCoverage,
} from './raster-canvas';
import {
  boxesTouch,
  resolveSize,
  sceneId,
  sceneRandom,
  type SyntheticGenerator,
  type SyntheticGeneratorOptions,
  type SyntheticScene,
} from './synthetic-scene';

export interface FactorySurfaceOptions extends SyntheticGeneratorOptions {
  /** Share of scenes with no defect at all (default 0.15). */
  readonly cleanFraction?: number;
  /** Most defects in one scene (default 4). */
  readonly maxDefects?: number;
}

/**
 * Machined metal parts on a conveyor, seen from above: a brushed plate (rectangular or round)
 * with its bolt holes, and defects — scratches, dents, stains and holes. The template is the same
 * part, same pose, without defects; frame and template get independent sensor noise.
 */
export function createFactorySurfaceGenerator(options: FactorySurfaceOptions): SyntheticGenerator {
  const { width, height } = resolveSize(options);
  const noise = options.noise ?? 2.5;
  const cleanFraction = options.cleanFraction ?? 0.15;
  const maxDefects = options.maxDefects ?? 4;
  const name = 'factory';
  return {
    name,
    classes: FACTORY_CLASSES,
    usesTemplate: true,
    width,
    height,
    generate(index: number): SyntheticScene {
      const rng = sceneRandom(name, options.seed, index);
      const s = Math.min(width, height) / 256;
      const part = drawPart(rng, width, height, s);
      const template = part.canvas.clone();
      const frame = part.canvas;
      const boxes: SampleBox[] = [];
      const taken: Box[] = [...part.keepOut];
      const count = rng.chance(cleanFraction) ? 0 : rng.int(1, maxDefects);
      for (let attempts = 0; boxes.length < count && attempts < count * 25; attempts++) {
        const kind = rng.pick(FACTORY_CLASSES);
        const extent = drawDefect(frame, rng, kind, part.inside, part.interior, s, taken);
        if (!extent) continue;
        taken.push(extent);
        boxes.push({ className: kind, box: extent });
      }
      frame.addNoise(rng.fork(), noise);
      template.addNoise(rng.fork(), noise);
      return { id: sceneId(name, options.seed, index), image: frame.toRawImage(), template: template.toRawImage(), boxes };
    },
  };
}

interface Part {
  canvas: RasterCanvas;
  /** Coverage of the part (defects only show on metal). */
  inside: ShapeCoverage;
  /** A rectangle well inside the part, where defect centres go. */
  interior: Box;
  /** Design features (bolt holes) that defects must not overlap. */
  keepOut: Box[];
}

function drawPart(rng: SeededRandom, width: number, height: number, s: number): Part {
  const canvas = new RasterCanvas(width, height);
  const belt = rng.uniform(35, 60);
  canvas.shade((x, y) => {
    const v = belt + 6 * Math.sin(y * 0.35) + 10 * (x / width);
    return [v, v, v + 3];
  });
  const round = rng.chance(0.35);
  const base = rng.uniform(140, 185);
  const tint: Rgb = [base, base + rng.uniform(-4, 4), base + rng.uniform(0, 10)];
  const cx = width / 2 + rng.uniform(-0.05, 0.05) * width;
  const cy = height / 2 + rng.uniform(-0.05, 0.05) * height;
  let shape;
  let interior: Box;
  if (round) {
    const r = Math.min(width, height) * rng.uniform(0.36, 0.44);
    shape = circleShape(cx, cy, r);
    const q = r * 0.62;
    interior = { x1: cx - q, y1: cy - q, x2: cx + q, y2: cy + q };
  } else {
    const hw = width * rng.uniform(0.34, 0.44);
    const hh = height * rng.uniform(0.3, 0.42);
    shape = roundedRectShape(cx - hw, cy - hh, cx + hw, cy + hh, 10 * s);
    interior = { x1: cx - hw * 0.8, y1: cy - hh * 0.8, x2: cx + hw * 0.8, y2: cy + hh * 0.8 };
  }
  // Brushed metal: per-row streaks and a soft light gradient, fixed per part.
  const streaks = Array.from({ length: height }, () => rng.normal(0, 4));
  const light = rng.uniform(-0.15, 0.15);
  canvas.paint(shape.bounds, shape.coverage, (x, y) => {
    const v = (streaks[Math.floor(y)] ?? 0) + 18 * light * ((x - cx) / width) * 4 - 10 * ((y - cy) / height);
    return [tint[0] + v, tint[1] + v, tint[2] + v];
  });
  // Bolt holes near the corners: part of the design, on the template too.
  const keepOut: Box[] = [];
  const holeR = rng.uniform(5, 8) * s;
  const spots: [number, number][] = round
    ? [0, 1, 2, 3].map((k) => {
        const a = (k * Math.PI) / 2 + Math.PI / 4;
        const r = (interior.x2 - cx) * 1.25;
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      })
    : [
        [interior.x1, interior.y1],
        [interior.x2, interior.y1],
        [interior.x1, interior.y2],
        [interior.x2, interior.y2],
      ];
  for (const [hx, hy] of spots) {
    const hole = circleShape(hx, hy, holeR);
    canvas.paint(hole.bounds, hole.coverage, [25, 25, 28]);
    const rim = circleShape(hx, hy, holeR + 1.5 * s);
    canvas.paint(rim.bounds, (x, y) => rim.coverage(x, y) * (1 - hole.coverage(x, y)), [205, 205, 210], 0.5);
    keepOut.push({ x1: hx - holeR - 3 * s, y1: hy - holeR - 3 * s, x2: hx + holeR + 3 * s, y2: hy + holeR + 3 * s });
  }
  return { canvas, inside: shape.coverage, interior, keepOut };
}

function drawDefect(
  canvas: RasterCanvas,
  rng: SeededRandom,
  kind: (typeof FACTORY_CLASSES)[number],
  inside: ShapeCoverage,
  interior: Box,
  s: number,
  taken: readonly Box[],
): PaintedExtent {
  const cx = rng.uniform(interior.x1, interior.x2);
  const cy = rng.uniform(interior.y1, interior.y2);
  // Plan the footprint first, so a rejected placement paints nothing.
  let footprint: Box;
  let paint: () => PaintedExtent;
  switch (kind) {
    case 'scratch': {
      const len = rng.uniform(18, 60) * s;
      const a = rng.uniform(0, Math.PI);
      const ax = cx - (Math.cos(a) * len) / 2;
      const ay = cy - (Math.sin(a) * len) / 2;
      const bx = cx + (Math.cos(a) * len) / 2;
      const by = cy + (Math.sin(a) * len) / 2;
      const line = capsuleShape(ax, ay, bx, by, rng.uniform(1.2, 2.4) * s);
      const tone: Rgb = rng.chance(0.5) ? [235, 235, 240] : [70, 70, 75];
      footprint = line.bounds;
      paint = () => canvas.paint(line.bounds, line.coverage, tone, 0.85, inside);
      break;
    }
    case 'dent': {
      const rx = rng.uniform(7, 15) * s;
      const ry = rx * rng.uniform(0.6, 1);
      const e = ellipseShape(cx, cy, rx, ry, rng.uniform(0, Math.PI));
      const la = rng.uniform(0, 2 * Math.PI);
      footprint = e.bounds;
      // Shaded bowl: dark on the side away from the light, bright on the other.
      paint = () =>
        canvas.paint(
          e.bounds,
          e.coverage,
          (x, y) => {
            const t = ((x - cx) * Math.cos(la) + (y - cy) * Math.sin(la)) / rx;
            return mixRgb([60, 60, 65], [235, 235, 240], (t + 1) / 2);
          },
          0.55,
          inside,
        );
      break;
    }
    case 'stain': {
      const r = rng.uniform(6, 13) * s;
      const blobs = Array.from({ length: rng.int(3, 6) }, () =>
        circleShape(cx + rng.uniform(-r, r), cy + rng.uniform(-r, r) * 0.8, r * rng.uniform(0.5, 0.9)),
      );
      const colour: Rgb = rng.pick<Rgb>([
        [120, 85, 45],
        [70, 65, 40],
        [110, 60, 50],
      ]);
      const alpha = rng.uniform(0.45, 0.65);
      footprint = blobs.reduce((acc, b) => unionExtent(acc, b.bounds), null as PaintedExtent) as Box;
      paint = () => {
        const union: ShapeCoverage = (x, y) => Math.max(...blobs.map((b) => b.coverage(x, y)));
        return canvas.paint(footprint, union, colour, alpha, inside);
      };
      break;
    }
    case 'hole': {
      const r = rng.uniform(2.5, 6) * s;
      const hole = circleShape(cx, cy, r);
      const rim = circleShape(cx, cy, r + 1.2 * s);
      footprint = rim.bounds;
      paint = () => {
        const a = canvas.paint(rim.bounds, rim.coverage, [95, 95, 100], 0.8, inside);
        const b = canvas.paint(hole.bounds, hole.coverage, [12, 12, 14], 1, inside);
        return unionExtent(a, b);
      };
      break;
    }
  }
  if (taken.some((t) => boxesTouch(t, footprint, 3 * s))) return null;
  return paint();
}
