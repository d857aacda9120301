import { apiRequest, queryString } from '../api/api-client';
import type { AlertKind, AlertSummary, Page } from '../api/api-types';
import { EMPTY_FILTER, queueFilterToApiParams, queueFilterToSearch, type QueueFilter } from './queue-filter';

/**
 * What the review page needs from the queue: the order of the alerts (or audit items) the operator was working
 * through (so `n`/`p` and "after a decision, the next one" follow the queue as filtered) and the
 * outcome of the last decision, shown on the next alert's page.
 */
let filter: QueueFilter = EMPTY_FILTER;
/** Set while the operator works through the audit queue (of this line, or all lines): its order, not the alerts'. */
let audit: { readonly lineId: string | null } | null = null;
let order: string[] = [];
let lastDecision: string | null = null;

export function rememberQueue(nextFilter: QueueFilter, alerts: readonly AlertSummary[]): void {
  filter = nextFilter;
  audit = null;
  order = alerts.map((a) => a.id);
}

/** The audit queue the operator is working through (most uncertain first). */
export function rememberAuditQueue(lineId: string | null, items: readonly AlertSummary[]): void {
  audit = { lineId };
  order = items.map((a) => a.id);
}

/**
 * The review page's item decides which queue `n`/`p` and "next" follow: an audit item opened
 * outside the audit queue follows its line's audit queue; an alert opened while the audit queue was
 * remembered follows the alert queue as last filtered.
 */
export function followQueueOf(kind: AlertKind, lineId: string): void {
  if ((kind === 'audit') === (audit !== null)) return;
  audit = kind === 'audit' ? { lineId } : null;
  order = [];
}

/** Where "back to the queue" goes: the alert queue as filtered, or the audit queue. */
export function queuePath(): string {
  return audit ? `/queue/audit${queryString({ line: audit.lineId })}` : `/queue${queueFilterToSearch(filter)}`;
}

/** The first 200 of the queue being worked through, in its order. */
function queueListPath(): string {
  return audit
    ? `/api/v1/audit-items${queryString({ lineId: audit.lineId, limit: 200 })}`
    : `/api/v1/alerts${queryString({ ...queueFilterToApiParams(filter), limit: 200 })}`;
}

export function setLastDecision(text: string | null): void {
  lastDecision = text;
}

export function takeLastDecision(): string | null {
  const text = lastDecision;
  lastDecision = null;
  return text;
}

/** The queue order with the current alert in it, asking the API for it when the page was opened directly. */
async function orderAround(currentId: string): Promise<string[]> {
  if (order.includes(currentId) && order.length > 1) return order;
  const page = await apiRequest<Page<AlertSummary>>(queueListPath());
  const fresh = page.items.map((a) => a.id);
  order = fresh.includes(currentId) ? fresh : [currentId, ...fresh];
  return order;
}

/** The alert after (or before) `currentId` in the queue, or null at the end. */
export async function neighbourOf(currentId: string, step: 1 | -1): Promise<string | null> {
  const ids = await orderAround(currentId);
  const index = ids.indexOf(currentId);
  return ids[index + step] ?? null;
}

/**
 * After a decision the alert leaves the queue: the next one is the one after it; at the end of the
 * known list, the queue is asked again (new alerts may have come in). null when nothing is open.
 */
export async function nextAfterDecision(decidedId: string): Promise<string | null> {
  const index = order.indexOf(decidedId);
  const after = index >= 0 ? order.slice(index + 1) : [];
  order = order.filter((id) => id !== decidedId);
  if (after[0]) return after[0];
  const page = await apiRequest<Page<AlertSummary>>(queueListPath());
  order = page.items.map((a) => a.id).filter((id) => id !== decidedId);
  return order[0] ?? null;
}
