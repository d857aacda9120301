import { SeveritySchema, type Severity } from '@argus/contracts';
import type { AlertStatus, AlertSummary } from '../api/api-types';

/** What the queue lists: the open alerts (the default), the alerts of one decision, or all of them. */
export type QueueStatus = AlertStatus | 'all';
export const QUEUE_STATUSES: readonly QueueStatus[] = ['open', 'confirmed', 'corrected', 'rejected', 'all'];

/**
 * The queue's filter lives in the URL (`/queue?status=…&line=…&camera=…&severity=…&class=…`), so a filtered
 * queue can be bookmarked, shared and reloaded, and the back button undoes a filter change.
 */
export interface QueueFilter {
  status: QueueStatus;
  lineId: string | null;
  cameraId: string | null;
  severity: Severity | null;
  className: string | null;
}

export const EMPTY_FILTER: QueueFilter = { status: 'open', lineId: null, cameraId: null, severity: null, className: null };

export function parseQueueFilter(search: string): QueueFilter {
  const params = new URLSearchParams(search);
  const text = (key: string) => {
    const value = params.get(key)?.trim();
    return value ? value : null;
  };
  const severity = SeveritySchema.safeParse(text('severity'));
  const status = QUEUE_STATUSES.find((s) => s === text('status')) ?? 'open';
  return {
    status,
    lineId: text('line'),
    cameraId: text('camera'),
    severity: severity.success ? severity.data : null,
    className: text('class'),
  };
}

export function queueFilterToSearch(filter: QueueFilter): string {
  const params = new URLSearchParams();
  if (filter.status !== 'open') params.set('status', filter.status);
  if (filter.lineId) params.set('line', filter.lineId);
  if (filter.cameraId) params.set('camera', filter.cameraId);
  if (filter.severity) params.set('severity', filter.severity);
  if (filter.className) params.set('class', filter.className);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API's query for this filter (the count's too). */
export function queueFilterToApiParams(filter: QueueFilter): Record<string, string | null> {
  return {
    status: filter.status,
    lineId: filter.lineId,
    cameraId: filter.cameraId,
    severity: filter.severity,
    className: filter.className,
  };
}

/** Does a live alert belong in the queue as filtered? Mirrors the API's own filter. */
export function matchesQueueFilter(alert: AlertSummary, filter: QueueFilter): boolean {
  if (filter.status !== 'all' && alert.status !== filter.status) return false;
  if (filter.lineId && alert.lineId !== filter.lineId) return false;
  if (filter.cameraId && alert.cameraId !== filter.cameraId) return false;
  if (filter.severity && alert.severity !== filter.severity) return false;
  if (filter.className && !alert.classes.includes(filter.className)) return false;
  return true;
}

export function sameFilter(a: QueueFilter, b: QueueFilter): boolean {
  return (
    a.status === b.status && a.lineId === b.lineId && a.cameraId === b.cameraId && a.severity === b.severity && a.className === b.className
  );
}
