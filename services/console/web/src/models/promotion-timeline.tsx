import type { ReactNode } from 'react';
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
            <PromotionEntry key={p.id} promotion={p}>
              <strong>{p.kind === 'rollback' ? 'Rolled back' : 'Promoted'}</strong> to <strong>{modelLabel(p.to)}</strong>
              {p.from && <span className="muted"> from {modelLabel(p.from)}</span>}
            </PromotionEntry>
          ))}
        </ol>
      )}
    </div>
  );
}

/**
 * One promotion or rollback in a timeline: the headline the page gives (what moved where), then
 * when and by whom, and the reason. `lineId` marks the entry with its line where a timeline spans lines.
 */
export function PromotionEntry({ promotion: p, lineId, children }: { promotion: Promotion; lineId?: string; children: ReactNode }) {
  return (
    <li className={`timeline-item ${p.kind}`} data-kind={p.kind} data-line-id={lineId}>
      <span className="dot" />
      <div>
        <div>{children}</div>
        <div className="muted">
          {formatTime(p.promotedAt)} by {p.promotedBy}
        </div>
        <div className="reason">“{p.reason}”</div>
      </div>
    </li>
  );
}
