/**
 * A per-minute series as a small SVG line chart: oldest minute on the left, now on the right, the
 * y axis from 0 to a round maximum so two lines' charts read alike.
 */
export interface ChartPoint {
  minute: string;
  value: number;
}

const W = 360;
const H = 120;
const M = { left: 34, right: 8, top: 8, bottom: 20 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** 1, 2, 5 × 10^k at or above `max`, so the axis reads in round numbers. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export function chartPath(values: readonly number[], yMax: number): string {
  if (values.length === 0) return '';
  const dx = values.length > 1 ? PW / (values.length - 1) : 0;
  return values
    .map((v, i) => `${i === 0 ? 'M' : 'L'}${(M.left + i * dx).toFixed(1)},${(M.top + PH - (Math.max(0, v) / yMax) * PH).toFixed(1)}`)
    .join(' ');
}

export function LineChart({ testId, title, points, colour, minutes }: { testId: string; title: string; points: ChartPoint[]; colour: string; minutes: number }) {
  const values = points.map((p) => p.value);
  const yMax = niceMax(Math.max(0, ...values));
  const line = chartPath(values, yMax);
  const area = line ? `${line} L${M.left + PW},${M.top + PH} L${M.left},${M.top + PH} Z` : '';
  const last = values[values.length - 1];
  return (
    <figure className="chart">
      <figcaption>
        {title} <strong>{last === undefined ? '—' : last}</strong> <span className="muted">last minute</span>
      </figcaption>
      <svg data-testid={testId} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}, last ${minutes} minutes`}>
        <rect x={M.left} y={M.top} width={PW} height={PH} className="plot-bg" />
        {[0, 0.5, 1].map((t) => (
          <g key={t}>
            <line x1={M.left} x2={M.left + PW} y1={M.top + PH - t * PH} y2={M.top + PH - t * PH} className="grid-line" />
            <text x={M.left - 4} y={M.top + PH - t * PH + 4} textAnchor="end" className="tick">
              {+(yMax * t).toPrecision(3)}
            </text>
          </g>
        ))}
        <text x={M.left} y={H - 5} className="tick">
          −{minutes} min
        </text>
        <text x={M.left + PW} y={H - 5} textAnchor="end" className="tick">
          now
        </text>
        {area && <path d={area} fill={colour} opacity={0.12} />}
        {line && <path d={line} fill="none" stroke={colour} strokeWidth={1.8} />}
        {values.length === 0 && (
          <text x={M.left + PW / 2} y={M.top + PH / 2} textAnchor="middle" className="tick">
            no data
          </text>
        )}
      </svg>
    </figure>
  );
}
