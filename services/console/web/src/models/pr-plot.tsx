import type { PrCurve } from '../api/api-types';

export interface PrSeries {
  label: string;
  colour: string;
  curve: PrCurve | null;
}

const W = 420;
const H = 320;
const M = { left: 46, right: 14, top: 14, bottom: 42 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

/** SVG path through a precision–recall curve, recall on x, precision on y, both 0..1. */
export function prPath(curve: PrCurve): string {
  const n = Math.min(curve.recall.length, curve.precision.length);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = Math.min(1, Math.max(0, curve.recall[i] as number));
    const p = Math.min(1, Math.max(0, curve.precision[i] as number));
    parts.push(`${i === 0 ? 'M' : 'L'}${(M.left + r * PW).toFixed(1)},${(M.top + (1 - p) * PH).toFixed(1)}`);
  }
  return parts.join(' ');
}

/** Precision–recall at IoU 0.5 of two versions for one class: axes, grid, legend. */
export function PrPlot({ title, series }: { title: string; series: PrSeries[] }) {
  const legendWidth = 36 + 6 * Math.max(0, ...series.map((s) => s.label.length + (s.curve ? 0 : 11)));
  return (
    <svg className="pr-plot" data-testid="pr-plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Precision–recall: ${title}`}>
      <title>{`Precision–recall at IoU 0.5: ${title}`}</title>
      <rect x={M.left} y={M.top} width={PW} height={PH} className="plot-bg" />
      {TICKS.map((t) => (
        <g key={t}>
          <line x1={M.left + t * PW} x2={M.left + t * PW} y1={M.top} y2={M.top + PH} className="grid-line" />
          <line x1={M.left} x2={M.left + PW} y1={M.top + (1 - t) * PH} y2={M.top + (1 - t) * PH} className="grid-line" />
          <text x={M.left + t * PW} y={M.top + PH + 14} textAnchor="middle" className="tick">
            {t.toFixed(1)}
          </text>
          <text x={M.left - 6} y={M.top + (1 - t) * PH + 4} textAnchor="end" className="tick">
            {t.toFixed(1)}
          </text>
        </g>
      ))}
      <text x={M.left + PW / 2} y={H - 6} textAnchor="middle" className="axis-label">
        recall
      </text>
      <text x={12} y={M.top + PH / 2} textAnchor="middle" transform={`rotate(-90 12 ${M.top + PH / 2})`} className="axis-label">
        precision
      </text>
      {series.map((s) =>
        s.curve && s.curve.recall.length > 0 ? (
          <path key={s.label} d={prPath(s.curve)} fill="none" stroke={s.colour} strokeWidth={2} data-series={s.label} />
        ) : null,
      )}
      {/* Bottom left: a precision–recall curve runs from the top left to the bottom right, so this corner stays clear. */}
      <g transform={`translate(${M.left + 10} ${M.top + PH - 10 - series.length * 16})`} className="legend">
        <rect x={-6} y={-4} width={legendWidth} height={series.length * 16 + 8} className="legend-bg" />
        {series.map((s, i) => (
          <g key={s.label} transform={`translate(0 ${i * 16})`}>
            <line x1={0} x2={18} y1={6} y2={6} stroke={s.colour} strokeWidth={3} />
            <text x={24} y={10} className="legend-text">
              {s.label}
              {s.curve ? '' : ' (no curve)'}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}
