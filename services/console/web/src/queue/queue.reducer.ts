import type { AlertCount, AlertReviewedEvent, AlertSummary, Page } from '../api/api-types';
import { matchesQueueFilter, type QueueFilter } from './queue-filter';

/**
 * The open-alert queue as the operator sees it: pages loaded from the API, newest first, kept up to
 * date by the live stream. New alerts that match the filter go on top; reviewed ones leave.
 */
export interface QueueState {
  filter: QueueFilter;
  items: AlertSummary[];
  nextCursor: string | null;
  /** Alerts that arrived live since the list was loaded (shown as a hint, not a count of the queue). */
  arrivedLive: number;
  /** How many alerts match the filter (GET /alerts/count), kept up to date by the live events; null until known. */
  total: AlertCount | null;
}

export type QueueAction =
  | { type: 'reset'; filter: QueueFilter }
  | { type: 'page-loaded'; page: Page<AlertSummary>; append: boolean }
  | { type: 'alert-raised'; alert: AlertSummary }
  | { type: 'alert-reviewed'; event: AlertReviewedEvent }
  | { type: 'alerts-removed'; alertIds: readonly string[] }
  | { type: 'count-loaded'; count: AlertCount };

export function initialQueueState(filter: QueueFilter): QueueState {
  return { filter, items: [], nextCursor: null, arrivedLive: 0, total: null };
}

const newestFirst = (a: AlertSummary, b: AlertSummary) =>
  b.createdAt.localeCompare(a.createdAt) || b.capturedAt.localeCompare(a.capturedAt) || b.id.localeCompare(a.id);

export function queueReducer(state: QueueState, action: QueueAction): QueueState {
  switch (action.type) {
    case 'reset':
      return initialQueueState(action.filter);
    case 'page-loaded': {
      if (!action.append) return { ...state, items: action.page.items, nextCursor: action.page.nextCursor, arrivedLive: 0 };
      // An alert that arrived live may also be on the next page: keep one copy.
      const seen = new Set(state.items.map((a) => a.id));
      const more = action.page.items.filter((a) => !seen.has(a.id));
      return { ...state, items: [...state.items, ...more], nextCursor: action.page.nextCursor };
    }
    case 'alert-raised': {
      const alert = action.alert;
      if (!matchesQueueFilter(alert, state.filter) || state.items.some((a) => a.id === alert.id)) return state;
      const total = adjust(state.total, 1);
      // Newest first: a late event for an older alert still lands in order.
      const items = [...state.items, alert].sort(newestFirst);
      // Past the loaded pages it will come with "load more" (but it counts already).
      const last = items[items.length - 1];
      if (state.nextCursor !== null && last?.id === alert.id) return total === state.total ? state : { ...state, total };
      return { ...state, items, arrivedLive: state.arrivedLive + 1, total };
    }
    case 'alert-reviewed': {
      const { alertId, status } = action.event;
      if (status === 'open') return state;
      const shown = state.items.find((a) => a.id === alertId);
      if (!shown) return state;
      // Still listed when the filter takes its new status (all, or a second opinion alike); its review is reloaded with the list.
      if (state.filter.status === 'all' || state.filter.status === status) {
        return { ...state, items: state.items.map((a) => (a.id === alertId ? { ...a, status, review: null } : a)) };
      }
      return removeIds(state, [alertId]);
    }
    case 'alerts-removed':
      return removeIds(state, action.alertIds);
    case 'count-loaded':
      return { ...state, total: action.count };
  }
}

function adjust(total: AlertCount | null, by: number): AlertCount | null {
  return total ? { ...total, count: Math.max(0, total.count + by) } : null;
}

function removeIds(state: QueueState, ids: readonly string[]): QueueState {
  const gone = new Set(ids);
  const items = state.items.filter((a) => !gone.has(a.id));
  if (items.length === state.items.length) return state;
  return { ...state, items, total: adjust(state.total, items.length - state.items.length) };
}

/**
 * The queue's size as shown: the API's count (`4,043`; `≈ 12,400` when it is an estimate); until
 * it is known, what is loaded (`50+` when more pages wait).
 */
export function queueCountLabel(state: Pick<QueueState, 'items' | 'nextCursor' | 'total'>): string {
  if (state.total) return `${state.total.exact ? '' : '≈ '}${state.total.count.toLocaleString('en-US')}`;
  return state.nextCursor === null ? String(state.items.length) : `${state.items.length}+`;
}
