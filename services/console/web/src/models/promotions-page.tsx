import { apiRequest } from '../api/api-client';
import type { Line, ModelSummary } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link } from '../router/router';
import { modelLabel } from '../ui/format';
import { PromotePanel } from './promote-panel';

/** `/lines/:lineId/promotions`: one line's promotion timeline, with promote and rollback. */
export function PromotionsPage({ lineId }: { lineId: string }) {
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));
  const models = useApi('/api/v1/models', (p, signal) => apiRequest<{ items: ModelSummary[] }>(p, { signal }));
  const line = lines.data?.items.find((l) => l.id === lineId);
  return (
    <section className="page">
      <div className="page-head">
        <Link href="/models" className="back">
          ← Models
        </Link>
        <h1>Promotions · {line?.name ?? lineId}</h1>
        {line && <span className="muted">in production: {line.production ? modelLabel(line.production) : 'no model'}</span>}
      </div>
      {(lines.error || models.error) && <p className="error">{lines.error ?? models.error}</p>}
      {lines.data && !line && <p className="error">There is no line {lineId}.</p>}
      {lines.data && models.data && line && (
        <PromotePanel key={lineId} lines={lines.data.items} models={models.data.items} initialLineId={lineId} fixedLine onChanged={() => lines.reload()} />
      )}
    </section>
  );
}
