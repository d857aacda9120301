import type { AlertReviewedEvent, AlertSummary, Page } from '../api/api-types';
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
}

export type QueueAction =
  | { type: 'reset'; filter: QueueFilter }
  | { type: 'page-loaded'; page: Page<AlertSummary>; append: boolean }
  | { type: 'alert-raised'; alert: AlertSummary }
  | { type: 'alert-reviewed'; event: AlertReviewedEvent }
  | { type: 'alerts-removed'; alertIds: readonly string[] };

export function initialQueueState(filter: QueueFilter): QueueState {
  return { filter, items: [], nextCursor: null, arrivedLive: 0 };
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
      // Newest first: a late event for an older alert still lands in order.
      const items = [...state.items, alert].sort(newestFirst);
      // Past the loaded pages it will come with "load more".
      const last = items[items.length - 1];
      if (state.nextCursor !== null && last?.id === alert.id) return state;
      return { ...state, items, arrivedLive: state.arrivedLive + 1 };
    }
    case 'alert-reviewed': {
      if (action.event.status === 'open') return state;
      return removeIds(state, [action.event.alertId]);
    }
    case 'alerts-removed':
      return removeIds(state, action.alertIds);
  }
}

function removeIds(state: QueueState, ids: readonly string[]): QueueState {
  const gone = new Set(ids);
  const items = state.items.filter((a) => !gone.has(a.id));
  return items.length === state.items.length ? state : { ...state, items };
}

/** The queue's count as shown: exact when everything is loaded, "50+" when more pages wait. */
export function queueCountLabel(state: Pick<QueueState, 'items' | 'nextCursor'>): string {
  return state.nextCursor === null ? String(state.items.length) : `${state.items.length}+`;
}
