import { SeveritySchema } from '@argus/contracts';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { apiRequest, describeError, queryString } from '../api/api-client';
import type { AlertCount, AlertReviewedEvent, AlertSummary, Line, ModelSummary, Page } from '../api/api-types';
import { useApi } from '../api/use-api';
import { can, useUser } from '../auth/auth-context';
import { Link, navigate } from '../router/router';
import { formatAgo, formatBoxSummary, formatTime, shortId } from '../ui/format';
import { bulkReview, collectMatchingAlertIds } from './bulk-review';
import {
  parseQueueFilter,
  QUEUE_STATUSES,
  queueFilterToApiParams,
  queueFilterToSearch,
  sameFilter,
  type QueueFilter,
  type QueueStatus,
} from './queue-filter';
import { QueueTabs } from './audit-queue-page';
import { rememberQueue } from './queue-navigation';
import { initialQueueState, queueCountLabel, queueReducer } from './queue.reducer';

const PAGE_SIZE = 50;
/** The count is asked again this often: alerts reviewed beyond the loaded pages leave it unseen. */
const COUNT_REFRESH_MS = 30_000;

const STATUS_LABELS: Record<QueueStatus, string> = {
  open: 'open',
  confirmed: 'confirmed',
  corrected: 'corrected',
  rejected: 'rejected',
  all: 'alerts',
};

type LiveState = 'connecting' | 'live' | 'reconnecting';
type BulkDialog = { decision: 'confirmed' | 'rejected'; ids: string[] | null; error: string | null; busy: boolean };

export function QueuePage({ search }: { search: string }) {
  const user = useUser();
  const urlFilter = parseQueueFilter(search);
  const [state, dispatch] = useReducer(queueReducer, urlFilter, initialQueueState);
  const filter = state.filter;
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const [bulk, setBulk] = useState<BulkDialog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const lines = useApi('/api/v1/lines', (p, signal) => apiRequest<{ items: Line[] }>(p, { signal }));
  const models = useApi('/api/v1/models', (p, signal) => apiRequest<{ items: ModelSummary[] }>(p, { signal }));

  // The URL is the source of truth for the filter (back/forward, bookmarks).
  if (!sameFilter(urlFilter, filter)) dispatch({ type: 'reset', filter: urlFilter });

  const load = useCallback(
    async (cursor: string | null, signal?: AbortSignal) => {
      setLoading(true);
      try {
        const page = await apiRequest<Page<AlertSummary>>(
          `/api/v1/alerts${queryString({ ...queueFilterToApiParams(filter), limit: PAGE_SIZE, cursor })}`,
          { signal },
        );
        dispatch({ type: 'page-loaded', page, append: cursor !== null });
        setError(null);
      } catch (e) {
        if (!signal?.aborted) setError(describeError(e));
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [filter],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  // The queue's size: asked when the filter changes, then every 30 s (live events adjust it between).
  const loadCount = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const count = await apiRequest<AlertCount>(`/api/v1/alerts/count${queryString(queueFilterToApiParams(filter))}`, { signal });
        dispatch({ type: 'count-loaded', count });
      } catch {
        // The list's own error says what is wrong; the count stays as it was.
      }
    },
    [filter],
  );
  useEffect(() => {
    const controller = new AbortController();
    void loadCount(controller.signal);
    const timer = window.setInterval(() => void loadCount(controller.signal), COUNT_REFRESH_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [loadCount]);

  // Live updates. After a dropped connection the list is reloaded: events may have been missed.
  const reloadRef = useRef(load);
  reloadRef.current = load;
  const countRef = useRef(loadCount);
  countRef.current = loadCount;
  useEffect(() => {
    const source = new EventSource('/api/v1/alerts/stream');
    let dropped = false;
    source.onopen = () => {
      setLive('live');
      if (dropped) {
        void reloadRef.current(null);
        void countRef.current();
      }
      dropped = false;
    };
    source.onerror = () => {
      dropped = true;
      setLive('reconnecting');
    };
    source.addEventListener('alert.raised', (event) => {
      const alert = parseEvent<AlertSummary>(event);
      if (alert) dispatch({ type: 'alert-raised', alert });
    });
    source.addEventListener('alert.reviewed', (event) => {
      const reviewed = parseEvent<AlertReviewedEvent>(event);
      if (reviewed) dispatch({ type: 'alert-reviewed', event: reviewed });
    });
    return () => source.close();
  }, []);

  useEffect(() => rememberQueue(filter, state.items), [filter, state.items]);

  const setFilter = (patch: Partial<QueueFilter>) => {
    const next = { ...filter, ...patch };
    if (patch.lineId !== undefined) next.cameraId = null;
    navigate(`/queue${queueFilterToSearch(next)}`);
  };

  const cameras = useMemo(() => {
    const all = lines.data?.items ?? [];
    return (filter.lineId ? all.filter((l) => l.id === filter.lineId) : all).flatMap((l) =>
      l.cameras.map((c) => ({ id: c.id, label: filter.lineId ? c.name || c.id : `${l.id} / ${c.name || c.id}` })),
    );
  }, [lines.data, filter.lineId]);

  const classes = useMemo(() => {
    const names = new Set<string>();
    for (const m of models.data?.items ?? []) for (const c of m.classes) names.add(c);
    for (const a of state.items) for (const c of a.classes) names.add(c);
    if (filter.className) names.add(filter.className);
    return [...names].sort();
  }, [models.data, state.items, filter.className]);

  const openBulk = async (decision: 'confirmed' | 'rejected') => {
    setNotice(null);
    setBulk({ decision, ids: null, error: null, busy: true });
    try {
      const ids = await collectMatchingAlertIds(filter);
      setBulk({ decision, ids, error: null, busy: false });
    } catch (e) {
      setBulk({ decision, ids: null, error: describeError(e), busy: false });
    }
  };

  const runBulk = async () => {
    if (!bulk?.ids) return;
    setBulk({ ...bulk, busy: true });
    try {
      const outcome = await bulkReview(bulk.decision, bulk.ids);
      dispatch({ type: 'alerts-removed', alertIds: outcome.done });
      setBulk(null);
      const verb = bulk.decision === 'confirmed' ? 'confirmed' : 'rejected';
      setNotice(
        `${outcome.done.length} alert${outcome.done.length === 1 ? '' : 's'} ${verb}` +
          (outcome.failed.length
            ? `; ${outcome.failed.length} failed: ${outcome.failed
                .slice(0, 3)
                .map((f) => `${shortId(f.alertId)} ${f.message}`)
                .join('; ')}`
            : '.'),
      );
      void load(null);
      void loadCount();
    } catch (e) {
      setBulk({ ...bulk, busy: false, error: describeError(e) });
    }
  };

  // Esc closes the dialog wherever the focus is (its OK button is disabled while counting).
  const dialogOpen = bulk !== null;
  const dialogBusy = bulk?.busy === true && bulk.ids !== null;
  useEffect(() => {
    if (!dialogOpen || dialogBusy) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setBulk(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialogOpen, dialogBusy]);

  // j / k walk the rows (focus), Enter opens one: the queue without a mouse.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (dialogOpen || event.ctrlKey || event.metaKey || event.altKey || (event.key !== 'j' && event.key !== 'k')) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA')) return;
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="alert-row"]')];
      if (rows.length === 0) return;
      const at = rows.indexOf(document.activeElement as HTMLElement);
      const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + (event.key === 'j' ? 1 : -1)));
      rows[next]?.focus();
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dialogOpen]);

  const reviewer = can.review(user.role) && filter.status === 'open';
  const lineName = (id: string) => lines.data?.items.find((l) => l.id === id)?.name ?? id;

  return (
    <section className="page queue-page">
      <div className="page-head">
        <h1>Review queue</h1>
        <QueueTabs current="alerts" />
        <span
          className="count"
          title={state.total && !state.total.exact ? 'An estimate: more than 10,000 match, too many to count on every refresh' : undefined}
        >
          <strong data-testid="queue-count" data-exact={state.total ? String(state.total.exact) : undefined}>
            {queueCountLabel(state)}
          </strong>{' '}
          {STATUS_LABELS[filter.status]}
          {state.total && !state.total.exact && <span className="muted small"> (estimate)</span>}
        </span>
        <span className={`live live-${live}`} title="Live updates from the alert stream">
          {live === 'live' ? '● live' : live === 'connecting' ? '○ connecting' : '○ reconnecting…'}
        </span>
        <span className="spacer" />
        {reviewer && (
          <>
            <button type="button" data-testid="bulk-confirm" disabled={state.items.length === 0} onClick={() => void openBulk('confirmed')}>
              Confirm all matching…
            </button>
            <button type="button" data-testid="bulk-reject" disabled={state.items.length === 0} onClick={() => void openBulk('rejected')}>
              Reject all matching…
            </button>
          </>
        )}
      </div>

      <div className="filters">
        <label>
          Status
          <select
            data-testid="queue-filter-status"
            value={filter.status}
            onChange={(e) => setFilter({ status: QUEUE_STATUSES.find((s) => s === e.target.value) ?? 'open' })}
          >
            {QUEUE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === 'open' ? 'open (to review)' : s === 'all' ? 'all statuses' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Line
          <select
            data-testid="queue-filter-line"
            value={filter.lineId ?? ''}
            onChange={(e) => setFilter({ lineId: e.target.value || null })}
          >
            <option value="">all lines</option>
            {(lines.data?.items ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name || l.id}
              </option>
            ))}
            {filter.lineId && !lines.data?.items.some((l) => l.id === filter.lineId) && (
              <option value={filter.lineId}>{filter.lineId}</option>
            )}
          </select>
        </label>
        <label>
          Camera
          <select
            data-testid="queue-filter-camera"
            value={filter.cameraId ?? ''}
            onChange={(e) => setFilter({ cameraId: e.target.value || null })}
          >
            <option value="">all cameras</option>
            {cameras.map((c) => (
              <option key={c.id + c.label} value={c.id}>
                {c.label}
              </option>
            ))}
            {filter.cameraId && !cameras.some((c) => c.id === filter.cameraId) && (
              <option value={filter.cameraId}>{filter.cameraId}</option>
            )}
          </select>
        </label>
        <label>
          Severity
          <select
            data-testid="queue-filter-severity"
            value={filter.severity ?? ''}
            onChange={(e) => setFilter({ severity: SeveritySchema.safeParse(e.target.value).data ?? null })}
          >
            <option value="">any severity</option>
            {SeveritySchema.options.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Class
          <select
            data-testid="queue-filter-class"
            value={filter.className ?? ''}
            onChange={(e) => setFilter({ className: e.target.value || null })}
          >
            <option value="">any class</option>
            {classes.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        {queueFilterToSearch(filter) && (
          <button type="button" className="link" onClick={() => navigate('/queue')}>
            clear filters
          </button>
        )}
      </div>

      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}

      <table className="grid queue-table">
        <thead>
          <tr>
            <th>Severity</th>
            <th>Classes</th>
            <th>Line</th>
            <th>Camera</th>
            <th className="num">Top score</th>
            <th className="num">Boxes</th>
            <th>Review</th>
            <th>Captured</th>
            <th>Alert</th>
          </tr>
        </thead>
        <tbody>
          {state.items.map((alert) => (
            <tr
              key={alert.id}
              data-testid="alert-row"
              data-alert-id={alert.id}
              className="clickable"
              tabIndex={0}
              onClick={(e) => {
                if (!(e.target instanceof HTMLAnchorElement)) navigate(`/alerts/${alert.id}`);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.target === e.currentTarget) navigate(`/alerts/${alert.id}`);
              }}
            >
              <td>
                <span className={`severity severity-${alert.severity}`}>{alert.severity}</span>
              </td>
              <td>{alert.classes.join(', ')}</td>
              <td>{lineName(alert.lineId)}</td>
              <td>{alert.cameraId}</td>
              <td className="num">{topScore(alert)}</td>
              <td className="num">{alert.detections.length}</td>
              <td data-testid="alert-row-review">
                <ReviewCell alert={alert} />
              </td>
              <td title={formatTime(alert.capturedAt)}>{formatAgo(alert.capturedAt)}</td>
              <td>
                <Link href={`/alerts/${alert.id}`} className="mono">
                  {shortId(alert.id)}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && state.items.length === 0 && !error && (
        <p className="empty">
          No {filter.status === 'all' ? '' : `${STATUS_LABELS[filter.status]} `}alerts
          {queueFilterToSearch({ ...filter, status: 'open' }) ? ' match this filter' : ''}.
        </p>
      )}
      <div className="more">
        {state.nextCursor !== null && (
          <button type="button" disabled={loading} onClick={() => void load(state.nextCursor)}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        )}
        {loading && state.items.length === 0 && <span className="muted">Loading…</span>}
        {state.items.length > 0 && (
          <span className="muted small hint">
            <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens; on an alert <kbd>?</kbd> lists its shortcuts
          </span>
        )}
      </div>

      {bulk && (
        <div className="dialog-backdrop">
          <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="bulk-title" data-testid="bulk-dialog">
            <h2 id="bulk-title">{bulk.decision === 'confirmed' ? 'Confirm' : 'Reject'} every matching alert?</h2>
            {bulk.ids === null && !bulk.error && <p>Counting the alerts that match the filter…</p>}
            {bulk.ids !== null && (
              <p>
                This will {bulk.decision === 'confirmed' ? 'confirm' : 'reject as false positives'}{' '}
                <strong data-testid="bulk-dialog-count">{bulk.ids.length}</strong> open alert{bulk.ids.length === 1 ? '' : 's'}
                {queueFilterToSearch(filter) ? ' matching the current filter' : ' (no filter: the whole queue)'}.
              </p>
            )}
            {bulk.error && (
              <p className="error" role="alert">
                {bulk.error}
              </p>
            )}
            <div className="dialog-actions">
              <button
                type="button"
                data-testid="bulk-dialog-cancel"
                disabled={bulk.busy && bulk.ids !== null}
                onClick={() => setBulk(null)}
              >
                Cancel
              </button>
              <button
                type="button"
                className={bulk.decision === 'confirmed' ? 'primary' : 'danger'}
                data-testid="bulk-dialog-ok"
                autoFocus
                disabled={bulk.busy || bulk.ids === null || bulk.ids.length === 0}
                onClick={() => void runBulk()}
              >
                {bulk.busy && bulk.ids !== null
                  ? 'Working…'
                  : `${bulk.decision === 'confirmed' ? 'Confirm' : 'Reject'} ${bulk.ids?.length ?? ''}`}
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

/** An open alert says so; a reviewed one says what the review left: `corrected by admin · 2 boxes: crack, dent`. */
function ReviewCell({ alert }: { alert: AlertSummary }) {
  if (alert.status === 'open') return <span className="status status-open">open</span>;
  const review = alert.review;
  return (
    <>
      <span className={`status status-${alert.status}`}>{alert.status}</span>
      {review && (
        <span className="small">
          {' '}
          by {review.reviewer} · {alert.status === 'rejected' ? 'false positive' : formatBoxSummary(review.boxes)}
        </span>
      )}
    </>
  );
}

function topScore(alert: AlertSummary): string {
  const best = Math.max(...alert.detections.map((d) => d.score));
  return Number.isFinite(best) ? best.toFixed(2) : '—';
}

function parseEvent<T>(event: Event): T | null {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}
