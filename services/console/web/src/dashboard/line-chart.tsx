/**
 * A per-minute series as a small SVG line chart over a fixed window: `minutes` before `end` on the
 * left, `end` on the right. Points sit at their own minute, so a gap in the series stays a gap in
 * time; the y axis runs from 0 to a round maximum.
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

/** Path through the points placed by time in [end − minutes, end] and by value in [0, yMax]. */
export function chartPath(points: readonly ChartPoint[], yMax: number, end: number, minutes: number): string {
  const start = end - minutes * 60_000;
  const span = end - start;
  const coords = points
    .map((p) => ({ t: Date.parse(p.minute), v: p.value }))
    .filter((p) => Number.isFinite(p.t) && p.t >= start - 60_000 && p.t <= end)
    .sort((a, b) => a.t - b.t);
  return coords
    .map((p, i) => {
      const x = M.left + (Math.max(0, p.t - start) / span) * PW;
      const y = M.top + PH - (Math.min(yMax, Math.max(0, p.v)) / yMax) * PH;
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

export function LineChart({
  testId,
  title,
  points,
  colour,
  minutes,
  end,
}: {
  testId: string;
  title: string;
  points: ChartPoint[];
  colour: string;
  minutes: number;
  end: number;
}) {
  const yMax = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const line = chartPath(points, yMax, end, minutes);
  const firstX = /^M([\d.]+)/.exec(line)?.[1];
  const lastX = /L?([\d.]+),[\d.]+$/.exec(line)?.[1];
  const area = line && firstX && lastX ? `${line} L${lastX},${M.top + PH} L${firstX},${M.top + PH} Z` : '';
  const last = points[points.length - 1]?.value;
  return (
    <figure className="chart">
      <figcaption>
        {title} <strong>{last === undefined ? '—' : last}</strong> <span className="muted">latest minute</span>
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
        {!line && (
          <text x={M.left + PW / 2} y={M.top + PH / 2} textAnchor="middle" className="tick">
            no data
          </text>
        )}
      </svg>
    </figure>
  );
}
