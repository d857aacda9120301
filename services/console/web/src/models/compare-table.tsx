import type { ModelComparison } from '../api/api-types';
import { formatNumber, formatSigned, modelLabel } from '../ui/format';

/** Below this an AP@0.5 change is noise on a few hundred images; it is shown, not coloured. */
export const DELTA_NOTICEABLE = 0.005;

export function deltaClass(delta: number | null): string {
  if (delta === null || Math.abs(delta) < DELTA_NOTICEABLE) return 'delta';
  return delta > 0 ? 'delta up' : 'delta down';
}

/** The delta B − A, recomputed when the API left it out but both sides have the class. */
export function deltaOf(row: ModelComparison['perClass'][number]): number | null {
  if (row.deltaAp50 !== null && row.deltaAp50 !== undefined) return row.deltaAp50;
  const [a, b] = [row.a?.ap50 ?? null, row.b?.ap50 ?? null];
  return a !== null && b !== null ? b - a : null;
}

/**
 * How a delta is shown given what the two evaluations scored: coloured only when both scored the
 * same images; grey when that cannot be confirmed; not at all across different data (a higher AP
 * on other images is no win).
 */
export function deltaCell(delta: number | null, verdict: ModelComparison['evaluationData']['verdict']): { text: string; className: string; title?: string } {
  if (verdict === 'different') return { text: 'n/c', className: 'delta not-comparable', title: 'Not comparable: the two versions were evaluated on different data' };
  if (verdict === 'unverified') return { text: formatSigned(delta), className: 'delta unverified', title: 'Not confirmed to be the same evaluation images: read with care' };
  return { text: formatSigned(delta), className: deltaClass(delta) };
}

/** Per-class AP of two versions side by side, B − A deltas coloured when comparable, the overall mAP on top. */
export function CompareTable({ comparison }: { comparison: ModelComparison }) {
  const { a, b, overall } = comparison;
  const verdict = comparison.evaluationData.verdict;
  const a50 = overall.a?.map50;
  const b50 = overall.b?.map50;
  const overallDelta = typeof a50 === 'number' && typeof b50 === 'number' ? b50 - a50 : null;
  const overallCell = deltaCell(overallDelta, verdict);
  return (
    <table className="grid compare-table" data-testid="compare-table">
      <thead>
        <tr>
          <th rowSpan={2}>Class</th>
          <th colSpan={2} className="version-a" title={modelLabel(a)}>
            A · {modelLabel(a)}
          </th>
          <th colSpan={2} className="version-b" title={modelLabel(b)}>
            B · {modelLabel(b)}
          </th>
          <th rowSpan={2} className="num" title={verdict === 'same' ? undefined : comparison.evaluationData.reason}>
            Δ AP50 (B−A){verdict === 'same' ? '' : verdict === 'different' ? ' — not comparable' : ' — unconfirmed'}
          </th>
        </tr>
        <tr>
          <th className="num">AP50</th>
          <th className="num">AP</th>
          <th className="num">AP50</th>
          <th className="num">AP</th>
        </tr>
      </thead>
      <tbody>
        <tr className="overall" data-class="(overall)">
          <td>
            <strong>all classes (mAP)</strong>
          </td>
          <td className="num">{formatNumber(overall.a?.map50)}</td>
          <td className="num">{formatNumber(overall.a?.map)}</td>
          <td className="num">{formatNumber(overall.b?.map50)}</td>
          <td className="num">{formatNumber(overall.b?.map)}</td>
          <td className={`num ${overallCell.className}`} title={overallCell.title}>
            {overallCell.text}
          </td>
        </tr>
        {comparison.perClass.map((row) => {
          const cell = deltaCell(deltaOf(row), verdict);
          return (
            <tr key={row.className} data-class={row.className}>
              <td>{row.className}</td>
              <td className="num">{row.a ? formatNumber(row.a.ap50) : <span className="muted">not in A</span>}</td>
              <td className="num">{row.a ? formatNumber(row.a.ap) : '—'}</td>
              <td className="num">{row.b ? formatNumber(row.b.ap50) : <span className="muted">not in B</span>}</td>
              <td className="num">{row.b ? formatNumber(row.b.ap) : '—'}</td>
              <td className={`num ${cell.className}`} title={cell.title}>
                {cell.text}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
