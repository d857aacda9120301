import { apiRequest } from '../api/api-client';
import { useApi } from '../api/use-api';
import { Link } from '../router/router';
import { formatNumber, formatTime } from '../ui/format';
import type { SearchSummary } from './search-types';

/** `12 / 40 trials` or `12 trials` without a trial budget; the wall budget in hours when there is one. */
export function describeBudget(summary: Pick<SearchSummary, 'progress'>): string {
  const { requested, budget } = summary.progress;
  const trials = budget.maxTrials === null ? `${requested} trials` : `${requested} / ${budget.maxTrials} trials`;
  return budget.maxWallSeconds === null
    ? trials
    : `${trials}, ${formatDuration(summary.progress.elapsedSeconds)} of ${formatDuration(budget.maxWallSeconds)}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** `/searches`: architecture searches, newest first, with their progress. */
export function SearchesPage() {
  const searches = useApi('/api/v1/searches', (path, signal) => apiRequest<{ items: SearchSummary[] }>(path, { signal }));
  return (
    <section className="page">
      <h1>Architecture searches</h1>
      <p className="hint">
        Started with <code>argus search</code> or POST /api/v1/searches; open one to see its front and train a point fully.
      </p>
      {searches.error && <p className="error">{searches.error}</p>}
      {searches.data && searches.data.items.length === 0 && <p className="empty">No searches yet.</p>}
      {searches.data && searches.data.items.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>search</th>
              <th>line</th>
              <th>controller</th>
              <th>status</th>
              <th>budget</th>
              <th>best AP @ ms</th>
              <th>front</th>
              <th>trials/h</th>
              <th>started</th>
            </tr>
          </thead>
          <tbody>
            {searches.data.items.map((s) => (
              <tr key={s.id} data-testid="search-row" data-search-id={s.id}>
                <td>
                  <Link href={`/searches/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.lineId}</td>
                <td>{s.controller}</td>
                <td>
                  <span className={`status status-${s.status}`}>{s.status}</span>
                </td>
                <td>{describeBudget(s)}</td>
                <td>{s.progress.best ? `${formatNumber(s.progress.best.ap)} @ ${s.progress.best.latencyMs.toFixed(2)}` : '—'}</td>
                <td>{s.progress.frontSize}</td>
                <td>{s.progress.trialsPerHour.toFixed(1)}</td>
                <td>{formatTime(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
