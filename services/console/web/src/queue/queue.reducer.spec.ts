import type { AlertSummary } from '../api/api-types';
import { alertFixture } from '../testing/fixtures';
import { EMPTY_FILTER, matchesQueueFilter, parseQueueFilter, queueFilterToSearch } from './queue-filter';
import { initialQueueState, queueCountLabel, queueReducer, type QueueState } from './queue.reducer';

const loaded = (items: AlertSummary[], nextCursor: string | null = null, filter = EMPTY_FILTER): QueueState =>
  queueReducer(initialQueueState(filter), { type: 'page-loaded', page: { items, nextCursor }, append: false });

describe('queue reducer', () => {
  it('puts a live alert that matches the filter on top', () => {
    const older = alertFixture({ createdAt: '2026-11-28T10:00:00.000Z' });
    const state = loaded([older]);
    const fresh = alertFixture({ createdAt: '2026-11-28T10:05:00.000Z' });
    const next = queueReducer(state, { type: 'alert-raised', alert: fresh });
    expect(next.items.map((a) => a.id)).toEqual([fresh.id, older.id]);
    expect(next.arrivedLive).toBe(1);
  });

  it('ignores a live alert that does not match the filter, or one it already has', () => {
    const filter = { ...EMPTY_FILTER, lineId: 'line-1', severity: 'critical' as const };
    const shown = alertFixture({ severity: 'critical' });
    const state = loaded([shown], null, filter);
    expect(queueReducer(state, { type: 'alert-raised', alert: alertFixture({ lineId: 'line-2', severity: 'critical' }) })).toBe(state);
    expect(queueReducer(state, { type: 'alert-raised', alert: alertFixture({ severity: 'low' }) })).toBe(state);
    expect(queueReducer(state, { type: 'alert-raised', alert: shown })).toBe(state);
  });

  it('removes an alert when it is reviewed, by anyone', () => {
    const a = alertFixture();
    const b = alertFixture();
    const state = loaded([b, a]);
    const next = queueReducer(state, {
      type: 'alert-reviewed',
      event: { alertId: a.id, status: 'confirmed', reviewId: 'r', reviewer: 'op' },
    });
    expect(next.items.map((x) => x.id)).toEqual([b.id]);
    expect(
      queueReducer(next, { type: 'alert-reviewed', event: { alertId: 'unknown', status: 'rejected', reviewId: 'r', reviewer: 'op' } }),
    ).toBe(next);
  });

  it('appends a page without duplicating alerts that arrived live', () => {
    const a = alertFixture({ createdAt: '2026-11-28T11:00:00.000Z' });
    const b = alertFixture({ createdAt: '2026-11-28T10:59:00.000Z' });
    const c = alertFixture({ createdAt: '2026-11-28T10:58:00.000Z' });
    const state = loaded([a, b], 'cursor-1');
    const next = queueReducer(state, { type: 'page-loaded', page: { items: [b, c], nextCursor: null }, append: true });
    expect(next.items.map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    expect(next.nextCursor).toBeNull();
  });

  it('leaves a late event for an alert older than the loaded pages to "load more"', () => {
    const a = alertFixture({ createdAt: '2026-11-28T11:00:00.000Z' });
    const state = loaded([a], 'cursor-1');
    const old = alertFixture({ createdAt: '2026-11-28T09:00:00.000Z' });
    expect(queueReducer(state, { type: 'alert-raised', alert: old })).toBe(state);
  });

  it('removes alerts a bulk review decided', () => {
    const a = alertFixture();
    const b = alertFixture();
    const c = alertFixture();
    const next = queueReducer(loaded([c, b, a]), { type: 'alerts-removed', alertIds: [a.id, c.id] });
    expect(next.items.map((x) => x.id)).toEqual([b.id]);
  });

  it('counts exactly when all is loaded, "N+" when more pages wait, until the API has counted', () => {
    expect(queueCountLabel(loaded([alertFixture(), alertFixture()]))).toBe('2');
    expect(queueCountLabel(loaded([alertFixture()], 'more'))).toBe('1+');
  });

  it("shows the API's count of the whole queue, an estimate marked as one, and keeps it up to date live", () => {
    const a = alertFixture({ createdAt: '2026-11-28T10:00:00.000Z' });
    const counted = queueReducer(loaded([a], 'more'), { type: 'count-loaded', count: { count: 4043, exact: true } });
    expect(queueCountLabel(counted)).toBe('4,043');
    expect(queueCountLabel(queueReducer(counted, { type: 'count-loaded', count: { count: 12_400, exact: false } }))).toBe('≈ 12,400');
    const raised = queueReducer(counted, { type: 'alert-raised', alert: alertFixture({ createdAt: '2026-11-28T10:05:00.000Z' }) });
    expect(raised.total).toEqual({ count: 4044, exact: true });
    // Older than the loaded pages: not listed yet, but counted.
    expect(
      queueReducer(counted, { type: 'alert-raised', alert: alertFixture({ createdAt: '2026-11-28T09:00:00.000Z' }) }).total?.count,
    ).toBe(4044);
    const reviewed = queueReducer(raised, {
      type: 'alert-reviewed',
      event: { alertId: a.id, status: 'rejected', reviewId: 'r', reviewer: 'op' },
    });
    expect(reviewed.total?.count).toBe(4043);
    expect(queueReducer(reviewed, { type: 'alerts-removed', alertIds: reviewed.items.map((x) => x.id) }).total?.count).toBe(4042);
  });

  it('keeps a reviewed alert listed, with its new status, when the filter shows every status', () => {
    const a = alertFixture();
    const state = loaded([a], null, { ...EMPTY_FILTER, status: 'all' });
    const next = queueReducer(state, {
      type: 'alert-reviewed',
      event: { alertId: a.id, status: 'corrected', reviewId: 'r', reviewer: 'op' },
    });
    expect(next.items.map((x) => [x.id, x.status])).toEqual([[a.id, 'corrected']]);
  });
});

describe('queue filter in the URL', () => {
  it('round-trips through the query string', () => {
    const filter = {
      status: 'open' as const,
      lineId: 'line-3',
      cameraId: 'cam-top',
      severity: 'critical' as const,
      className: 'short circuit',
    };
    expect(parseQueueFilter(queueFilterToSearch(filter))).toEqual(filter);
    expect(queueFilterToSearch(EMPTY_FILTER)).toBe('');
    expect(queueFilterToSearch({ ...EMPTY_FILTER, status: 'corrected' })).toBe('?status=corrected');
    expect(parseQueueFilter('?status=corrected').status).toBe('corrected');
    expect(parseQueueFilter('?status=whatever').status).toBe('open');
  });

  it('drops a severity that is not one', () => {
    expect(parseQueueFilter('?severity=urgent&line=l1').severity).toBeNull();
  });

  it('matches like the API: open only, every set field', () => {
    const alert = alertFixture({ classes: ['scratch', 'dent'], severity: 'low' });
    expect(matchesQueueFilter(alert, { ...EMPTY_FILTER, className: 'dent' })).toBe(true);
    expect(matchesQueueFilter(alert, { ...EMPTY_FILTER, className: 'crack' })).toBe(false);
    expect(matchesQueueFilter(alert, { ...EMPTY_FILTER, cameraId: 'cam-side' })).toBe(false);
    expect(matchesQueueFilter({ ...alert, status: 'confirmed' }, EMPTY_FILTER)).toBe(false);
    expect(matchesQueueFilter({ ...alert, status: 'confirmed' }, { ...EMPTY_FILTER, status: 'confirmed' })).toBe(true);
    expect(matchesQueueFilter({ ...alert, status: 'confirmed' }, { ...EMPTY_FILTER, status: 'all' })).toBe(true);
  });
});
