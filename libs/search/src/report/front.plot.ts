import { escapeXml, svgDocument, svgToPng } from '@argus/vision';

export interface FrontSeries {
  /** Legend label, e.g. the controller and its hypervolume. */
  readonly label: string;
  /** Every trial: one dot each. */
  readonly points: readonly { readonly latencyMs: number; readonly ap: number }[];
  /** The Pareto front of those points, drawn as a step line (order does not matter). */
  readonly front: readonly { readonly latencyMs: number; readonly ap: number }[];
}

export interface FrontMarker {
  readonly label: string;
  readonly latencyMs: number;
  readonly ap: number;
}

export interface FrontPlotOptions {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  /** Reference models (the shipped model, the chosen point): a labelled cross each. */
  readonly markers?: readonly FrontMarker[];
}

/** Okabe–Ito: distinct for colour-blind readers; markers are black. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9'];

/**
 * AP against latency, one dot per trial and the Pareto front as a step line per series
 * (a front is a staircase: between two front points the better AP is only had at the slower
 * latency). Axes fit the data with a margin, since AP of searched detectors sits in a narrow band.
 */
export function renderFrontSvg(series: readonly FrontSeries[], options: FrontPlotOptions): string {
  const width = options.width ?? 900;
  const height = options.height ?? 600;
  const margin = { left: 70, right: 250, top: 50, bottom: 60 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  if (plotW < 50 || plotH < 50) throw new RangeError(`a ${width}x${height} plot is too small`);
  const all = [...series.flatMap((s) => s.points), ...(options.markers ?? [])].filter(
    (p) => Number.isFinite(p.latencyMs) && Number.isFinite(p.ap),
  );
  const xs = all.map((p) => p.latencyMs);
  const ys = all.map((p) => p.ap);
  const xRange = niceRange(xs.length > 0 ? Math.min(...xs) : 0, xs.length > 0 ? Math.max(...xs) : 1, 0);
  const yRange = niceRange(ys.length > 0 ? Math.min(...ys) : 0, ys.length > 0 ? Math.max(...ys) : 1, 0, 1);
  const x = (v: number) => margin.left + ((v - xRange.min) / (xRange.max - xRange.min)) * plotW;
  const y = (v: number) => margin.top + (1 - (v - yRange.min) / (yRange.max - yRange.min)) * plotH;
  const parts: string[] = [`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`];
  for (const v of ticks(xRange)) {
    parts.push(
      `<line x1="${x(v)}" y1="${y(yRange.min)}" x2="${x(v)}" y2="${y(yRange.max)}" stroke="#e0e0e0"/>`,
      `<text x="${x(v)}" y="${y(yRange.min) + 20}" font-size="13" text-anchor="middle">${label(v, xRange.step)}</text>`,
    );
  }
  for (const v of ticks(yRange)) {
    parts.push(
      `<line x1="${x(xRange.min)}" y1="${y(v)}" x2="${x(xRange.max)}" y2="${y(v)}" stroke="#e0e0e0"/>`,
      `<text x="${x(xRange.min) - 8}" y="${y(v) + 4}" font-size="13" text-anchor="end">${label(v, yRange.step)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333" stroke-width="1.5"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 15}" font-size="15" text-anchor="middle">latency as served (ms per image)</text>`,
    `<text x="20" y="${margin.top + plotH / 2}" font-size="15" text-anchor="middle" transform="rotate(-90 20 ${margin.top + plotH / 2})">AP</text>`,
    `<text x="${width / 2}" y="30" font-size="18" font-weight="bold" text-anchor="middle">${escapeXml(options.title)}</text>`,
  );
  series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length] as string;
    for (const p of s.points) {
      if (!Number.isFinite(p.latencyMs) || !Number.isFinite(p.ap)) continue;
      parts.push(
        `<circle cx="${x(p.latencyMs).toFixed(2)}" cy="${y(p.ap).toFixed(2)}" r="3.5" fill="${colour}" fill-opacity="0.55" class="trial"/>`,
      );
    }
    const front = [...s.front].sort((a, b) => a.latencyMs - b.latencyMs);
    if (front.length > 0) {
      const steps: string[] = [];
      front.forEach((p, k) => {
        if (k > 0) steps.push(`${x(p.latencyMs).toFixed(2)},${y((front[k - 1] as FrontSeries['front'][number]).ap).toFixed(2)}`);
        steps.push(`${x(p.latencyMs).toFixed(2)},${y(p.ap).toFixed(2)}`);
      });
      parts.push(`<polyline points="${steps.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" class="front"/>`);
    }
    const ly = margin.top + 10 + i * 24;
    const lx = width - margin.right + 20;
    parts.push(
      `<circle cx="${lx + 14}" cy="${ly}" r="5" fill="${colour}"/>`,
      `<text x="${lx + 30}" y="${ly + 5}" font-size="14">${escapeXml(s.label)}</text>`,
    );
  });
  (options.markers ?? []).forEach((m, i) => {
    const cx = x(m.latencyMs);
    const cy = y(m.ap);
    parts.push(
      `<path d="M${cx - 7},${cy - 7} L${cx + 7},${cy + 7} M${cx - 7},${cy + 7} L${cx + 7},${cy - 7}" stroke="#000000" stroke-width="2.5" class="marker"/>`,
      `<text x="${cx + 10}" y="${cy - 8}" font-size="13">${escapeXml(m.label)}</text>`,
    );
    const ly = margin.top + 10 + (series.length + i) * 24;
    parts.push(`<text x="${width - margin.right + 20}" y="${ly + 5}" font-size="14">× ${escapeXml(m.label)}</text>`);
  });
  return svgDocument(width, height, parts);
}

/** The same plot as a PNG (rendered by sharp's librsvg). */
export async function renderFrontPng(series: readonly FrontSeries[], options: FrontPlotOptions): Promise<Buffer> {
  return svgToPng(renderFrontSvg(series, options));
}

interface AxisRange {
  readonly min: number;
  readonly max: number;
  readonly step: number;
}

/** A range covering [lo, hi] with 5% room, on round tick steps, clamped to [floor, ceiling]. */
function niceRange(lo: number, hi: number, floor = -Infinity, ceiling = Infinity): AxisRange {
  const span = hi - lo > 0 ? hi - lo : Math.max(Math.abs(hi), 1) * 0.1;
  const raw = span / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const min = Math.max(floor, Math.floor((lo - span * 0.05) / step) * step);
  const max = Math.min(ceiling, Math.ceil((hi + span * 0.05) / step) * step);
  return { min, max: max > min ? max : min + step, step };
}

function ticks(range: AxisRange): number[] {
  const out: number[] = [];
  for (let k = 0; range.min + k * range.step <= range.max + range.step * 1e-9; k++) out.push(range.min + k * range.step);
  return out;
}

function label(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return v.toFixed(decimals);
}
