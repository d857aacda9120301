import type { ProductionMark, SearchPoint } from './search-types';

/**
 * The accuracy-vs-latency plot of a search: AP (y, 0–1) against ms per image as served (x, 0 to a
 * round maximum), one dot per trial coloured by the rung it reached, the Pareto front as a step
 * line (from each front point right to the next one's latency, then up to its AP), and the line's
 * production model as a diamond — or, when its latency was never measured, a dashed line at its AP.
 */
export const PLOT = { width: 560, height: 320, left: 44, right: 12, top: 12, bottom: 36 } as const;
const PW = PLOT.width - PLOT.left - PLOT.right;
const PH = PLOT.height - PLOT.top - PLOT.bottom;

/** Rung colours: rung 0 grey, then ever warmer as a trial survives more rungs. */
export const RUNG_COLOURS = ['#8a94a6', '#3b82f6', '#10b981', '#f59e0b', '#ef4444'] as const;
export const rungColour = (rung: number): string => RUNG_COLOURS[Math.min(rung, RUNG_COLOURS.length - 1)] as string;

/** 1, 2, 5 × 10^k at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export interface PlotScale {
  readonly xMax: number;
  x(latencyMs: number): number;
  y(ap: number): number;
}

export function plotScale(points: readonly SearchPoint[], production: ProductionMark | null): PlotScale {
  const xMax = niceMax(Math.max(0, ...points.map((p) => p.latencyMs), production?.latencyMs ?? 0));
  return {
    xMax,
    x: (latencyMs) => PLOT.left + (Math.min(xMax, Math.max(0, latencyMs)) / xMax) * PW,
    y: (ap) => PLOT.top + PH - Math.min(1, Math.max(0, ap)) * PH,
  };
}

/** The front's step line, fastest first, carried on to the right edge at the best AP. */
export function frontStepPath(front: readonly SearchPoint[], scale: PlotScale): string {
  const sorted = [...front].sort((a, b) => a.latencyMs - b.latencyMs);
  if (sorted.length === 0) return '';
  const parts: string[] = [];
  sorted.forEach((p, i) => {
    const x = scale.x(p.latencyMs).toFixed(1);
    const y = scale.y(p.ap).toFixed(1);
    parts.push(i === 0 ? `M${x},${y}` : `H${x} V${y}`);
  });
  parts.push(`H${(PLOT.left + PW).toFixed(1)}`);
  return parts.join(' ');
}

export function FrontPlot({
  points,
  front,
  production,
  selected,
  onSelect,
}: {
  points: readonly SearchPoint[];
  front: readonly SearchPoint[];
  production: ProductionMark | null;
  selected: string | null;
  onSelect(trialId: string): void;
}) {
  const scale = plotScale(points, production);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * scale.xMax);
  const yTicks = [0, 0.25, 0.5, 0.75, 1];
  const rungs = [...new Set(points.map((p) => p.rung))].sort((a, b) => a - b);
  return (
    <figure className="front-plot">
      <svg
        data-testid="front-plot"
        viewBox={`0 0 ${PLOT.width} ${PLOT.height}`}
        width={PLOT.width}
        height={PLOT.height}
        role="img"
        aria-label="AP against latency, one dot per trial, the Pareto front as a step line"
      >
        {yTicks.map((t) => (
          <g key={`y${t}`}>
            <line x1={PLOT.left} x2={PLOT.left + PW} y1={scale.y(t)} y2={scale.y(t)} className="grid" stroke="#e5e7eb" />
            <text x={PLOT.left - 6} y={scale.y(t) + 4} textAnchor="end" fontSize="10">
              {t.toFixed(2)}
            </text>
          </g>
        ))}
        {xTicks.map((t) => (
          <text key={`x${t}`} x={scale.x(t)} y={PLOT.top + PH + 14} textAnchor="middle" fontSize="10">
            {Number(t.toPrecision(3))}
          </text>
        ))}
        <text x={PLOT.left + PW / 2} y={PLOT.height - 4} textAnchor="middle" fontSize="11">
          latency, ms per image as served
        </text>
        <text x={12} y={PLOT.top + PH / 2} textAnchor="middle" fontSize="11" transform={`rotate(-90 12 ${PLOT.top + PH / 2})`}>
          AP
        </text>
        <path data-testid="front-line" d={frontStepPath(front, scale)} fill="none" stroke="#111827" strokeWidth={1.5} />
        {production && production.ap !== null && production.latencyMs === null && (
          <line
            data-testid="production-ap-line"
            x1={PLOT.left}
            x2={PLOT.left + PW}
            y1={scale.y(production.ap)}
            y2={scale.y(production.ap)}
            stroke="#7c3aed"
            strokeDasharray="4 3"
          />
        )}
        {points.map((p) => (
          <circle
            key={p.trialId}
            data-testid="trial-dot"
            data-trial-id={p.trialId}
            data-rung={p.rung}
            data-on-front={p.onFront ? 'true' : 'false'}
            cx={scale.x(p.latencyMs)}
            cy={scale.y(p.ap)}
            r={p.trialId === selected ? 6 : 4}
            fill={rungColour(p.rung)}
            stroke={p.onFront ? '#111827' : 'none'}
            style={{ cursor: 'pointer' }}
            onClick={() => onSelect(p.trialId)}
          >
            <title>{`trial ${p.sequence} · rung ${p.rung} · AP ${p.ap.toFixed(3)} · ${p.latencyMs.toFixed(2)} ms`}</title>
          </circle>
        ))}
        {production && production.ap !== null && production.latencyMs !== null && (
          <path
            data-testid="production-mark"
            d={diamond(scale.x(production.latencyMs), scale.y(production.ap), 7)}
            fill="#7c3aed"
            stroke="#fff"
          >
            <title>{`production ${production.name} ${production.version}`}</title>
          </path>
        )}
      </svg>
      <figcaption>
        {rungs.map((r) => (
          <span key={r} className="legend-item">
            <span
              className="legend-swatch"
              style={{ background: rungColour(r), display: 'inline-block', width: 10, height: 10, borderRadius: 5 }}
            />{' '}
            rung {r}
          </span>
        ))}
        <span className="legend-item">— Pareto front</span>
        <span className="legend-item" data-testid="production-caption">
          {productionCaption(production)}
        </span>
      </figcaption>
    </figure>
  );
}

function diamond(x: number, y: number, r: number): string {
  return `M${x},${y - r} L${x + r},${y} L${x},${y + r} L${x - r},${y} Z`;
}

/** What the legend says of the production model, "not measured" where the registry has no figure. */
export function productionCaption(production: ProductionMark | null): string {
  if (!production) return 'the line has no production model';
  const ap =
    production.ap === null ? 'AP not measured' : `AP ${production.ap.toFixed(3)}${production.apMetric === 'deepPcbAp' ? ' (DeepPCB)' : ''}`;
  const latency =
    production.latencyMs === null
      ? 'latency not measured'
      : `${production.latencyMs.toFixed(2)} ms${production.latencySource === 'pipeline-p50' ? ' (pipeline p50 per frame)' : ''}`;
  return `◆ production ${production.name} ${production.version}: ${ap}, ${latency}`;
}
