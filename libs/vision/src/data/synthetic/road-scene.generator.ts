import type { Box } from '@argus/contracts';
import { DRIVING_CLASSES, type SampleBox } from '../sample';
import type { SeededRandom } from '../seeded-random';
import { capsuleShape, circleShape, polygonShape, RasterCanvas, rectShape, roundedRectShape, type Rgb } from './raster-canvas';
import {
  resolveSize,
  sceneId,
  sceneRandom,
  type SyntheticGenerator,
  type SyntheticGeneratorOptions,
  type SyntheticScene,
} from './synthetic-scene';

/**
 * A road ahead from a dashboard camera: sky, verges, a road narrowing to a vanishing point with
 * edge lines and a dashed centre line, and cars, trucks and pedestrians scaled by their distance.
 * Far objects are drawn first so near ones occlude them; a box is the whole object, clipped.
 */
export function createRoadSceneGenerator(options: SyntheticGeneratorOptions): SyntheticGenerator {
  const { width, height } = resolveSize(options);
  const noise = options.noise ?? 2;
  const name = 'driving';
  return {
    name,
    classes: DRIVING_CLASSES,
    usesTemplate: false,
    width,
    height,
    generate(index: number): SyntheticScene {
      const rng = sceneRandom(name, options.seed, index);
      const canvas = new RasterCanvas(width, height);
      const horizon = height * rng.uniform(0.35, 0.45);
      const vx = width * rng.uniform(0.4, 0.6);
      const sky: Rgb = [rng.uniform(110, 160), rng.uniform(160, 200), rng.uniform(210, 245)];
      const grass: Rgb = [rng.uniform(60, 100), rng.uniform(110, 150), rng.uniform(50, 80)];
      canvas.shade((x, y) => {
        if (y < horizon) {
          const t = y / horizon;
          return [sky[0] + 50 * t, sky[1] + 35 * t, sky[2] + 10 * t];
        }
        const t = (y - horizon) / (height - horizon);
        return [grass[0] * (0.8 + 0.3 * t), grass[1] * (0.8 + 0.3 * t), grass[2] * (0.8 + 0.3 * t)];
      });
      // Road: half-width grows linearly from the horizon to the bottom of the frame.
      const bottomHalf = width * rng.uniform(0.42, 0.55);
      const halfAt = (y: number) => Math.max(0, ((y - horizon) / (height - horizon)) * bottomHalf);
      const road = polygonShape([
        [vx - 1, horizon],
        [vx + 1, horizon],
        [vx + bottomHalf, height],
        [vx - bottomHalf, height],
      ]);
      const asphalt = rng.uniform(75, 105);
      canvas.paint(road.bounds, road.coverage, [asphalt, asphalt, asphalt + 4]);
      for (const side of [-1, 1]) {
        const line = capsuleShape(vx, horizon + 2, vx + side * bottomHalf * 0.95, height, Math.max(1, width / 160));
        canvas.paint(line.bounds, (x, y) => line.coverage(x, y) * Math.min(1, (y - horizon) / 20), [235, 235, 235], 0.9);
      }
      // Dashed centre line: dashes equally spaced in depth, so they shorten towards the horizon.
      for (let k = 0; k < 12; k++) {
        const d0 = (k + 0.1) / 12;
        const d1 = (k + 0.55) / 12;
        const y0 = horizon + (height - horizon) * d0 * d0;
        const y1 = horizon + (height - horizon) * d1 * d1;
        const dash = capsuleShape(vx, y0, vx, y1, Math.max(1, (width / 128) * d1));
        canvas.paint(dash.bounds, dash.coverage, [240, 225, 120], 0.9);
      }

      const objects: { depth: number; className: (typeof DRIVING_CLASSES)[number] }[] = [];
      for (let k = rng.int(1, 5); k > 0; k--) objects.push({ depth: rng.uniform(0.08, 1), className: rng.chance(0.3) ? 'truck' : 'car' });
      for (let k = rng.int(0, 3); k > 0; k--) objects.push({ depth: rng.uniform(0.15, 1), className: 'pedestrian' });
      objects.sort((a, b) => a.depth - b.depth);
      const boxes: SampleBox[] = [];
      for (const o of objects) {
        const baseY = horizon + (height - horizon) * o.depth;
        const half = halfAt(baseY);
        const scale = (half * 2) / width; // 1 at the bottom of a full-width road
        const bounds =
          o.className === 'pedestrian'
            ? drawPedestrian(canvas, rng, vx + rng.pick([-1, 1]) * half * rng.uniform(0.85, 1.25), baseY, scale, width)
            : drawVehicle(canvas, rng, vx + rng.uniform(-0.6, 0.6) * half, baseY, scale, width, o.className === 'truck');
        const box = clip(bounds, width, height);
        if (box.x2 - box.x1 >= 3 && box.y2 - box.y1 >= 3) boxes.push({ className: o.className, box });
      }
      canvas.addNoise(rng.fork(), noise);
      return { id: sceneId(name, options.seed, index), image: canvas.toRawImage(), boxes };
    },
  };
}

function drawVehicle(
  canvas: RasterCanvas,
  rng: SeededRandom,
  cx: number,
  baseY: number,
  scale: number,
  width: number,
  truck: boolean,
): Box {
  const w = width * scale * (truck ? rng.uniform(0.3, 0.36) : rng.uniform(0.24, 0.3));
  const h = w * (truck ? rng.uniform(0.85, 1.05) : rng.uniform(0.55, 0.7));
  const x1 = cx - w / 2;
  const y1 = baseY - h;
  const paint: Rgb = truck
    ? rng.pick<Rgb>([
        [220, 220, 220],
        [40, 80, 160],
        [200, 120, 30],
      ])
    : rng.pick<Rgb>([
        [180, 30, 30],
        [30, 30, 35],
        [200, 200, 205],
        [30, 70, 150],
        [90, 90, 95],
        [220, 180, 40],
      ]);
  const wheelH = h * 0.14;
  for (const wx of [x1 + w * 0.08, x1 + w * 0.78]) {
    const wheel = rectShape(wx, baseY - wheelH, wx + w * 0.14, baseY);
    canvas.paint(wheel.bounds, wheel.coverage, [15, 15, 15]);
  }
  const body = roundedRectShape(x1, y1, x1 + w, baseY - wheelH * 0.5, Math.max(1, w * 0.08));
  canvas.paint(body.bounds, body.coverage, paint);
  const glass = roundedRectShape(x1 + w * 0.12, y1 + h * 0.1, x1 + w * 0.88, y1 + h * (truck ? 0.35 : 0.45), Math.max(0.5, w * 0.04));
  canvas.paint(glass.bounds, glass.coverage, [50, 60, 75]);
  for (const lx of [x1 + w * 0.06, x1 + w * 0.82]) {
    const lamp = rectShape(lx, baseY - h * 0.38, lx + w * 0.12, baseY - h * 0.3);
    canvas.paint(lamp.bounds, lamp.coverage, [200, 30, 30]);
  }
  return { x1, y1, x2: x1 + w, y2: baseY };
}

function drawPedestrian(canvas: RasterCanvas, rng: SeededRandom, cx: number, baseY: number, scale: number, width: number): Box {
  const h = width * scale * rng.uniform(0.2, 0.26);
  const w = h * 0.34;
  const head = h * 0.14;
  const shirt: Rgb = [rng.uniform(20, 230), rng.uniform(20, 230), rng.uniform(20, 230)];
  const trousers: Rgb = rng.pick<Rgb>([
    [30, 30, 60],
    [50, 50, 50],
    [90, 70, 40],
  ]);
  const skin: Rgb = rng.pick<Rgb>([
    [235, 200, 170],
    [190, 140, 100],
    [120, 80, 55],
  ]);
  const stride = rng.uniform(0, 0.35) * w;
  for (const side of [-1, 1]) {
    const leg = capsuleShape(cx + side * w * 0.15, baseY - h * 0.45, cx + side * (w * 0.15 + stride), baseY - w * 0.12, w * 0.26);
    canvas.paint(leg.bounds, leg.coverage, trousers);
  }
  const torso = roundedRectShape(cx - w / 2, baseY - h + head * 2, cx + w / 2, baseY - h * 0.42, w * 0.2);
  canvas.paint(torso.bounds, torso.coverage, shirt);
  const face = circleShape(cx, baseY - h + head, head);
  canvas.paint(face.bounds, face.coverage, skin);
  return { x1: cx - w / 2 - 0.5, y1: baseY - h, x2: cx + Math.max(w / 2, w * 0.15 + stride + w * 0.13), y2: baseY };
}

function clip(b: Box, width: number, height: number): Box {
  return {
    x1: Math.max(0, Math.floor(b.x1)),
    y1: Math.max(0, Math.floor(b.y1)),
    x2: Math.min(width, Math.ceil(b.x2)),
    y2: Math.min(height, Math.ceil(b.y2)),
  };
}
