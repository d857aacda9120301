import type { Promotion } from '../api/api-types';
import { formatTime, modelLabel } from '../ui/format';

/** A line's promotions and rollbacks, newest first. */
export function PromotionTimeline({ items, error }: { items: Promotion[] | undefined; error: string | null }) {
  return (
    <div data-testid="promotion-timeline" className="timeline">
      {error && <p className="error">{error}</p>}
      {items && items.length === 0 && <p className="muted">No promotions on this line yet.</p>}
      {items && items.length > 0 && (
        <ol>
          {items.map((p) => (
            <li key={p.id} className={`timeline-item ${p.kind}`} data-kind={p.kind}>
              <span className="dot" />
              <div>
                <div>
                  <strong>{p.kind === 'rollback' ? 'Rolled back' : 'Promoted'}</strong> to <strong>{modelLabel(p.to)}</strong>
                  {p.from && <span className="muted"> from {modelLabel(p.from)}</span>}
                </div>
                <div className="muted">
                  {formatTime(p.promotedAt)} by {p.promotedBy}
                </div>
                <div className="reason">“{p.reason}”</div>
              </div>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
