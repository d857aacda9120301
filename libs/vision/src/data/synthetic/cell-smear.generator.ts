import type { Box } from '@argus/contracts';
import { CELL_SMEAR_CLASSES, type SampleBox } from '../sample';
import type { SeededRandom } from '../seeded-random';
import { circleShape, ellipseShape, mixRgb, RasterCanvas, type Rgb, type ShapeCoverage } from './raster-canvas';
import {
  resolveSize,
  sceneId,
  sceneRandom,
  type SyntheticGenerator,
  type SyntheticGeneratorOptions,
  type SyntheticScene,
} from './synthetic-scene';

/**
 * Stained blood smears under a microscope, BCCD-like: many pale red discs with a lighter centre
 * (RBC), usually one large white cell with a dark lobed nucleus (WBC), a few small purple
 * platelets. Cells may overlap and be cut by the border; a box is the whole cell, clipped to the
 * image, as an annotator draws it. Cells mostly outside the image are not drawn.
 */
export function createCellSmearGenerator(options: SyntheticGeneratorOptions): SyntheticGenerator {
  const { width, height } = resolveSize(options);
  const noise = options.noise ?? 3;
  const name = 'medical';
  return {
    name,
    classes: CELL_SMEAR_CLASSES,
    usesTemplate: false,
    width,
    height,
    generate(index: number): SyntheticScene {
      const rng = sceneRandom(name, options.seed, index);
      const s = Math.min(width, height) / 256;
      const canvas = new RasterCanvas(width, height);
      const bg: Rgb = [rng.uniform(225, 240), rng.uniform(205, 222), rng.uniform(205, 222)];
      const vignette = rng.uniform(10, 25);
      canvas.shade((x, y) => {
        const d = Math.hypot(x / width - 0.5, y / height - 0.5);
        return [bg[0] - vignette * d, bg[1] - vignette * d, bg[2] - vignette * d];
      });
      const boxes: SampleBox[] = [];
      const add = (className: string, bounds: Box) => {
        const box = clip(bounds, width, height);
        const fullArea = (bounds.x2 - bounds.x1) * (bounds.y2 - bounds.y1);
        const seen = (box.x2 - box.x1) * (box.y2 - box.y1);
        if (seen >= 0.4 * fullArea && box.x2 - box.x1 >= 2 && box.y2 - box.y1 >= 2) boxes.push({ className, box });
      };
      const rbcCount = Math.round((rng.int(8, 22) * (width * height)) / (256 * 256));
      for (let k = 0; k < rbcCount; k++) drawRbc(canvas, rng, s, add);
      if (rng.chance(0.9)) for (let k = rng.int(1, 2); k > 0; k--) drawWbc(canvas, rng, s, add);
      for (let k = rng.int(0, 4); k > 0; k--) drawPlatelet(canvas, rng, s, add);
      canvas.addNoise(rng.fork(), noise);
      return { id: sceneId(name, options.seed, index), image: canvas.toRawImage(), boxes };
    },
  };
}

type AddBox = (className: string, bounds: Box) => void;

function placeCentre(canvas: RasterCanvas, rng: SeededRandom, r: number): [number, number] {
  return [rng.uniform(-0.3 * r, canvas.width + 0.3 * r), rng.uniform(-0.3 * r, canvas.height + 0.3 * r)];
}

function drawRbc(canvas: RasterCanvas, rng: SeededRandom, s: number, add: AddBox): void {
  const r = rng.uniform(9, 13) * s;
  const [cx, cy] = placeCentre(canvas, rng, r);
  const e = ellipseShape(cx, cy, r, r * rng.uniform(0.85, 1), rng.uniform(0, Math.PI));
  const rim: Rgb = [rng.uniform(195, 215), rng.uniform(95, 120), rng.uniform(105, 130)];
  const centre = mixRgb(rim, [240, 215, 215], 0.55);
  canvas.paint(e.bounds, e.coverage, (x, y) => mixRgb(rim, centre, Math.max(0, 1 - Math.hypot(x - cx, y - cy) / (r * 0.75))), 0.9);
  add('RBC', exact(e.bounds));
}

function drawWbc(canvas: RasterCanvas, rng: SeededRandom, s: number, add: AddBox): void {
  const r = rng.uniform(22, 32) * s;
  const [cx, cy] = placeCentre(canvas, rng, r);
  const cell = ellipseShape(cx, cy, r, r * rng.uniform(0.85, 1), rng.uniform(0, Math.PI));
  canvas.paint(cell.bounds, cell.coverage, [rng.uniform(200, 215), rng.uniform(180, 195), rng.uniform(215, 230)], 0.9);
  const lobes = Array.from({ length: rng.int(2, 4) }, () =>
    circleShape(cx + rng.uniform(-0.35, 0.35) * r, cy + rng.uniform(-0.35, 0.35) * r, r * rng.uniform(0.3, 0.45)),
  );
  const nucleus: ShapeCoverage = (x, y) => Math.max(...lobes.map((l) => l.coverage(x, y))) * cell.coverage(x, y);
  canvas.paint(cell.bounds, nucleus, [rng.uniform(85, 110), rng.uniform(40, 60), rng.uniform(125, 150)], 0.95);
  add('WBC', exact(cell.bounds));
}

function drawPlatelet(canvas: RasterCanvas, rng: SeededRandom, s: number, add: AddBox): void {
  const r = rng.uniform(2.2, 4) * s;
  const [cx, cy] = placeCentre(canvas, rng, r);
  const e = ellipseShape(cx, cy, r, r * rng.uniform(0.6, 1), rng.uniform(0, Math.PI));
  canvas.paint(e.bounds, e.coverage, [rng.uniform(120, 150), rng.uniform(80, 100), rng.uniform(160, 180)], 0.9);
  add('Platelets', exact(e.bounds));
}

/** A shape's bounds are padded by a pixel for anti-aliasing; the cell itself is one pixel in. */
function exact(b: Box): Box {
  return { x1: b.x1 + 1, y1: b.y1 + 1, x2: b.x2 - 1, y2: b.y2 - 1 };
}

function clip(b: Box, width: number, height: number): Box {
  return {
    x1: Math.max(0, Math.floor(b.x1)),
    y1: Math.max(0, Math.floor(b.y1)),
    x2: Math.min(width, Math.ceil(b.x2)),
    y2: Math.min(height, Math.ceil(b.y2)),
  };
}
