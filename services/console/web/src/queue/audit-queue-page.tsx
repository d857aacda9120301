import { useCallback, useEffect, useState } from 'react';
import { apiRequest, describeError, queryString } from '../api/api-client';
import type { AlertSummary, AuditItemFacts, Line, Page } from '../api/api-types';
import { useApi } from '../api/use-api';
import { Link, navigate } from '../router/router';
import { formatAgo, formatTime, shortId } from '../ui/format';
import { rememberAuditQueue } from './queue-navigation';

const PAGE_SIZE = 50;

/** The two queues an operator works through: alerts (the model's) and audit items (its possible misses). */
export function QueueTabs({ current }: { current: 'alerts' | 'audit' }) {
  const tab = (id: 'alerts' | 'audit', href: string, label: string) => (
    <button
      type="button"
      role="tab"
      data-testid={`queue-tab-${id}`}
      aria-selected={current === id}
      className={current === id ? 'on' : undefined}
      onClick={() => navigate(href)}
    >
      {label}
    </button>
  );
  return (
    <div className="tabs" role="tablist">
      {tab('alerts', '/queue', 'Alerts')}
      {tab('audit', '/queue/audit', 'Audit')}
    </div>
  );
}

const REASONS: Record<AuditItemFacts['reason'], string> = {
  'near-threshold': 'just under the alert threshold',
  random: 'random sample of frames without an alert',
  onboarding: "a new line's onboarding frame, to label for its first model",
};

/** What an audit item is there for, in the operator's words. */
export function auditReasonLabel(audit: AuditItemFacts): string {
  return REASONS[audit.reason];
}

/**
 * The audit queue (`/queue/audit?line=`): frames that raised no alert, sampled so an operator can
 * catch what the model missed. Most uncertain first, as the API ranks them; each opens on the
 * review page, where "No defect" makes it a hard negative and a correction draws the missed boxes.
 */
export function AuditQueuePage({ search }: { search: string }) {
  const lineId = new URLSearchParams(search).get('line') || null;
  const [items, setItems] = useState<AlertSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));

  const load = useCallback(
    async (cursor: string | null, signal?: AbortSignal) => {
      setLoading(true);
      try {
        const page = await apiRequest<Page<AlertSummary>>(`/api/v1/audit-items${queryString({ lineId, limit: PAGE_SIZE, cursor })}`, {
          signal,
        });
        setItems((before) => (cursor === null ? page.items : [...before, ...page.items]));
        setNextCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        if (!signal?.aborted) setError(describeError(e));
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [lineId],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  useEffect(() => rememberAuditQueue(lineId, items), [lineId, items]);

  const lineName = (id: string) => lines.data?.items.find((l) => l.id === id)?.name ?? id;

  return (
    <section className="page queue-page audit-queue-page">
      <div className="page-head">
        <h1>Review queue</h1>
        <QueueTabs current="audit" />
        <span className="count">
          <strong data-testid="audit-count">{items.length}</strong>
          {nextCursor !== null ? '+' : ''} audit items to review
        </span>
      </div>
      <p className="muted small">
        Frames that raised no alert, sampled so misses reach an operator: the most uncertain first. Confirm if the model&apos;s weak boxes
        are right, choose <em>No defect</em> if there is nothing, or correct the boxes.
      </p>

      <div className="filters">
        <label>
          Line
          <select
            data-testid="audit-filter-line"
            value={lineId ?? ''}
            onChange={(e) => navigate(`/queue/audit${queryString({ line: e.target.value || null })}`)}
          >
            <option value="">all lines</option>
            {(lines.data?.items ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name || l.id}
              </option>
            ))}
            {lineId && !lines.data?.items.some((l) => l.id === lineId) && <option value={lineId}>{lineId}</option>}
          </select>
        </label>
      </div>

      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      <table className="grid queue-table">
        <thead>
          <tr>
            <th className="num">Uncertainty</th>
            <th>Why</th>
            <th>Line</th>
            <th>Camera</th>
            <th className="num">Model&apos;s boxes</th>
            <th>Captured</th>
            <th>Item</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr
              key={item.id}
              data-testid="audit-row"
              data-alert-id={item.id}
              className="clickable"
              tabIndex={0}
              onClick={(e) => {
                if (!(e.target instanceof HTMLAnchorElement)) navigate(`/alerts/${item.id}`);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.target === e.currentTarget) navigate(`/alerts/${item.id}`);
              }}
            >
              <td className="num" data-testid="audit-row-uncertainty">
                {item.audit ? `${Math.round(item.audit.uncertainty * 100)}%` : '–'}
              </td>
              <td data-testid="audit-row-reason">{item.audit ? auditReasonLabel(item.audit) : ''}</td>
              <td>{lineName(item.lineId)}</td>
              <td>{item.cameraId}</td>
              <td className="num">{item.detections.length}</td>
              <td title={formatTime(item.capturedAt)}>{formatAgo(item.capturedAt)}</td>
              <td>
                <Link href={`/alerts/${item.id}`} className="mono">
                  {shortId(item.id)}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && items.length === 0 && !error && <p className="empty">No audit items to review{lineId ? ' on this line' : ''}.</p>}
      <div className="more">
        {nextCursor !== null && (
          <button type="button" disabled={loading} onClick={() => void load(nextCursor)}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        )}
        {loading && items.length === 0 && <span className="muted">Loading…</span>}
      </div>
    </section>
  );
}
