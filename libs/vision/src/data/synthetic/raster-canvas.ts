import type { Box } from '@argus/contracts';
import type { RawImage } from '../image-codec';
import type { SeededRandom } from '../seeded-random';

export type Rgb = readonly [number, number, number];

/** Coverage of the pixel whose centre is (x, y): 0 outside, 1 inside, in between on an edge. */
export type ShapeCoverage = (x: number, y: number) => number;

/** Pixel extent of what a paint call changed (pixel-corner box), or null if it changed nothing. */
export type PaintedExtent = Box | null;

/**
 * A small RGB raster for synthetic scenes. Every paint call reports the extent of the pixels it
 * actually changed, so generators get exact ground-truth boxes for free.
 */
export class RasterCanvas {
  readonly data: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    data?: Uint8Array,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8) {
      throw new RangeError(`canvas size must be whole pixels, at least 8x8; got ${width}x${height}`);
    }
    this.data = data ?? new Uint8Array(width * height * 3);
  }

  clone(): RasterCanvas {
    return new RasterCanvas(this.width, this.height, this.data.slice());
  }

  toRawImage(): RawImage {
    return { data: this.data.slice(), width: this.width, height: this.height, channels: 3 };
  }

  get(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.data[i] as number, this.data[i + 1] as number, this.data[i + 2] as number];
  }

  /** Fills every pixel from a function of its position (backgrounds, gradients, textures). */
  shade(colourAt: (x: number, y: number) => Rgb): void {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const [r, g, b] = colourAt(x, y);
        const i = (y * this.width + x) * 3;
        this.data[i] = clampByte(r);
        this.data[i + 1] = clampByte(g);
        this.data[i + 2] = clampByte(b);
      }
    }
  }

  /**
   * Blends `colour` over the pixels a shape covers, within its bounding box, with opacity
   * `alpha` × coverage. `colour` may vary per pixel (shading). Returns what changed.
   */
  paint(
    bounds: Box,
    coverage: ShapeCoverage,
    colour: Rgb | ((x: number, y: number) => Rgb),
    alpha = 1,
    mask?: ShapeCoverage,
  ): PaintedExtent {
    const x0 = Math.max(0, Math.floor(bounds.x1));
    const y0 = Math.max(0, Math.floor(bounds.y1));
    const x1 = Math.min(this.width - 1, Math.ceil(bounds.x2));
    const y1 = Math.min(this.height - 1, Math.ceil(bounds.y2));
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const cx = x + 0.5;
        const cy = y + 0.5;
        let a = coverage(cx, cy);
        if (a <= 0) continue;
        if (mask) a *= mask(cx, cy);
        a = Math.min(1, a) * alpha;
        if (a <= 0) continue;
        const c = typeof colour === 'function' ? colour(cx, cy) : colour;
        const i = (y * this.width + x) * 3;
        let changed = false;
        for (let k = 0; k < 3; k++) {
          const old = this.data[i + k] as number;
          const next = clampByte(old + ((c[k] as number) - old) * a);
          if (next !== old) {
            this.data[i + k] = next;
            changed = true;
          }
        }
        if (changed) {
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
      }
    }
    return minX === Infinity ? null : { x1: minX, y1: minY, x2: maxX + 1, y2: maxY + 1 };
  }

  /**
   * Gaussian sensor noise on every channel. Draws come from a seeded table of 4096 normal
   * deviates indexed by an inline xorshift stream seeded from `rng`: plenty for sensor grain,
   * and far cheaper than a Box–Muller pair per channel.
   */
  addNoise(rng: SeededRandom, sigma: number): void {
    if (sigma <= 0) return;
    const table = new Float32Array(4096);
    for (let k = 0; k < table.length; k++) table[k] = rng.normal(0, sigma);
    let state = (Math.floor(rng.next() * 4294967295) | 1) >>> 0;
    const d = this.data;
    for (let i = 0; i < d.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const v = (d[i] as number) + (table[(state >>> 0) & 4095] as number);
      d[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
}

// Shapes as coverage functions, anti-aliased over about one pixel.

export function ellipseShape(cx: number, cy: number, rx: number, ry: number, angle = 0): { bounds: Box; coverage: ShapeCoverage } {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const ex = Math.sqrt((rx * cos) ** 2 + (ry * sin) ** 2);
  const ey = Math.sqrt((rx * sin) ** 2 + (ry * cos) ** 2);
  const r = Math.min(rx, ry);
  return {
    bounds: { x1: cx - ex - 1, y1: cy - ey - 1, x2: cx + ex + 1, y2: cy + ey + 1 },
    coverage: (x, y) => {
      const dx = x - cx;
      const dy = y - cy;
      const u = (dx * cos + dy * sin) / rx;
      const v = (-dx * sin + dy * cos) / ry;
      const d = Math.sqrt(u * u + v * v);
      // Signed distance to the edge, roughly in pixels.
      return clamp01((1 - d) * r + 0.5);
    },
  };
}

export function circleShape(cx: number, cy: number, r: number): { bounds: Box; coverage: ShapeCoverage } {
  return ellipseShape(cx, cy, r, r);
}

/** A thick line segment with round caps. */
export function capsuleShape(ax: number, ay: number, bx: number, by: number, width: number): { bounds: Box; coverage: ShapeCoverage } {
  const half = width / 2;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy || 1e-9;
  return {
    bounds: {
      x1: Math.min(ax, bx) - half - 1,
      y1: Math.min(ay, by) - half - 1,
      x2: Math.max(ax, bx) + half + 1,
      y2: Math.max(ay, by) + half + 1,
    },
    coverage: (x, y) => {
      const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2));
      const d = Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
      return clamp01(half - d + 0.5);
    },
  };
}

/** An axis-aligned rectangle (hard-edged: PCB copper and pads are binary). */
export function rectShape(x1: number, y1: number, x2: number, y2: number): { bounds: Box; coverage: ShapeCoverage } {
  return {
    bounds: { x1, y1, x2, y2 },
    coverage: (x, y) => (x >= x1 && x < x2 && y >= y1 && y < y2 ? 1 : 0),
  };
}

/** A rectangle with rounded corners, anti-aliased. */
export function roundedRectShape(x1: number, y1: number, x2: number, y2: number, radius: number): { bounds: Box; coverage: ShapeCoverage } {
  return {
    bounds: { x1: x1 - 1, y1: y1 - 1, x2: x2 + 1, y2: y2 + 1 },
    coverage: (x, y) => {
      const qx = Math.max(x1 + radius - x, 0, x - (x2 - radius));
      const qy = Math.max(y1 + radius - y, 0, y - (y2 - radius));
      const outside = Math.hypot(qx, qy) - radius;
      const inside = Math.min(x - x1, x2 - x, y - y1, y2 - y);
      return clamp01((qx > 0 && qy > 0 ? -outside : inside) + 0.5);
    },
  };
}

/** A filled polygon (even-odd), hard-edged with 2×2 supersampling. */
export function polygonShape(points: readonly (readonly [number, number])[]): { bounds: Box; coverage: ShapeCoverage } {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  // Crossings of each horizontal sample line with the edges, sorted, cached per line.
  const crossings = new Map<number, number[]>();
  const crossingsAt = (y: number): number[] => {
    let row = crossings.get(y);
    if (!row) {
      row = [];
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i] as readonly [number, number];
        const [xj, yj] = points[j] as readonly [number, number];
        if (yi > y !== yj > y) row.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
      }
      row.sort((a, b) => a - b);
      crossings.set(y, row);
    }
    return row;
  };
  const inside = (x: number, row: readonly number[]): boolean => {
    let n = 0;
    while (n < row.length && (row[n] as number) <= x) n++;
    return n % 2 === 1;
  };
  return {
    bounds: { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) },
    coverage: (x, y) => {
      const top = crossingsAt(y - 0.25);
      const bottom = crossingsAt(y + 0.25);
      return (
        ((inside(x - 0.25, top) ? 1 : 0) +
          (inside(x + 0.25, top) ? 1 : 0) +
          (inside(x - 0.25, bottom) ? 1 : 0) +
          (inside(x + 0.25, bottom) ? 1 : 0)) /
        4
      );
    },
  };
}

export function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

export function clamp01(v: number): number {
  return v <= 0 ? 0 : v >= 1 ? 1 : v;
}

export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Union of extents (null-safe). */
export function unionExtent(a: PaintedExtent, b: PaintedExtent): PaintedExtent {
  if (!a) return b;
  if (!b) return a;
  return { x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1), x2: Math.max(a.x2, b.x2), y2: Math.max(a.y2, b.y2) };
}
