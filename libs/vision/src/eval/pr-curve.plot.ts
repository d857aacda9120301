import { escapeXml, svgDocument, svgToPng } from './svg-plot';

export interface PlotCurve {
  readonly label: string;
  readonly recall: readonly number[];
  readonly precision: readonly number[];
}

export interface PrPlotOptions {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
}

/** Distinct, colour-blind-friendly line colours (Okabe–Ito, then Tableau). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000', '#8c564b', '#7f7f7f'];

/**
 * Precision–recall curves as an SVG: both axes 0..1 with grid and ticks, one line per class,
 * a legend naming each class (with its AP when the label carries it), and a title.
 */
export function renderPrCurvesSvg(curves: readonly PlotCurve[], options: PrPlotOptions): string {
  const width = options.width ?? 800;
  const height = options.height ?? 600;
  const margin = { left: 70, right: 220, top: 50, bottom: 60 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  if (plotW < 50 || plotH < 50) throw new RangeError(`a ${width}x${height} plot is too small`);
  const x = (r: number) => margin.left + clamp01(r) * plotW;
  const y = (p: number) => margin.top + (1 - clamp01(p)) * plotH;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    const major = i % 2 === 0;
    parts.push(
      `<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" stroke="${major ? '#d0d0d0' : '#ececec'}" stroke-width="1"/>`,
      `<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" stroke="${major ? '#d0d0d0' : '#ececec'}" stroke-width="1"/>`,
    );
    if (major) {
      parts.push(
        `<text x="${x(v)}" y="${y(0) + 20}" font-size="13" text-anchor="middle">${v.toFixed(1)}</text>`,
        `<text x="${x(0) - 8}" y="${y(v) + 4}" font-size="13" text-anchor="end">${v.toFixed(1)}</text>`,
      );
    }
  }
  parts.push(`<rect x="${x(0)}" y="${y(1)}" width="${plotW}" height="${plotH}" fill="none" stroke="#333333" stroke-width="1.5"/>`);
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 15}" font-size="15" text-anchor="middle">Recall</text>`);
  parts.push(
    `<text x="20" y="${margin.top + plotH / 2}" font-size="15" text-anchor="middle" transform="rotate(-90 20 ${margin.top + plotH / 2})">Precision</text>`,
  );
  parts.push(`<text x="${width / 2}" y="30" font-size="18" font-weight="bold" text-anchor="middle">${escapeXml(options.title)}</text>`);

  curves.forEach((curve, i) => {
    const colour = PALETTE[i % PALETTE.length] as string;
    const n = Math.min(curve.recall.length, curve.precision.length);
    if (n > 0) {
      const points = Array.from(
        { length: n },
        (_, k) => `${x(curve.recall[k] as number).toFixed(2)},${y(curve.precision[k] as number).toFixed(2)}`,
      );
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"/>`);
    }
    const ly = margin.top + 10 + i * 24;
    const lx = width - margin.right + 20;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${lx + 36}" y="${ly + 5}" font-size="14">${escapeXml(curve.label)}</text>`,
    );
  });
  if (curves.length === 0) {
    parts.push(`<text x="${x(0.5)}" y="${y(0.5)}" font-size="16" text-anchor="middle" fill="#666666">no class has ground truth</text>`);
  }
  return svgDocument(width, height, parts);
}

/** The same plot as a PNG (rendered by sharp's librsvg). */
export async function renderPrCurvesPng(curves: readonly PlotCurve[], options: PrPlotOptions): Promise<Buffer> {
  return svgToPng(renderPrCurvesSvg(curves, options));
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
