import { apiRequest } from '../api/api-client';
import type { Line } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link } from '../router/router';
import { modelLabel } from '../ui/format';

/** `/training`: every line, with its data sets and fine-tune jobs. */
export function TrainingPage() {
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));
  return (
    <section className="page">
      <div className="page-head">
        <h1>Fine-tuning</h1>
        <span className="muted">operators’ reviews → data set versions → jobs → gated candidates</span>
      </div>
      {lines.error && <p className="error">{lines.error}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th>Line</th>
            <th>In production</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(lines.data?.items ?? []).map((l) => (
            <tr key={l.id} data-testid="training-line">
              <td>{l.name || l.id}</td>
              <td>{l.production ? modelLabel(l.production) : <span className="muted">no model</span>}</td>
              <td className="nowrap">
                <Link href={`/lines/${encodeURIComponent(l.id)}/jobs`}>Jobs</Link> ·{' '}
                <Link href={`/lines/${encodeURIComponent(l.id)}/datasets`}>Data sets</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
