/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { AlertSummary } from '../api/api-types';
import { App } from '../app';
import { FakeConsole, FakeEventSource } from '../testing/fake-console';
import { alertFixture, present, userFixture } from '../testing/fixtures';

const rows = () => screen.queryAllByTestId('alert-row').map((r) => r.getAttribute('data-alert-id'));

function consoleWith(alerts: AlertSummary[]): FakeConsole {
  return new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture(), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', '/api/v1/lines', {
      body: { items: [{ id: 'line-1', name: 'Line 1', cameras: [{ id: 'cam-top', name: 'top' }], hasTemplate: false, production: null }] },
    })
    .on('GET', '/api/v1/models', { body: { items: [] } })
    .on('GET', '/api/v1/alerts', (request) => {
      const line = request.query.get('lineId');
      return { body: { items: alerts.filter((a) => !line || a.lineId === line), nextCursor: null } };
    });
}

async function openQueue(api: FakeConsole, path = '/queue') {
  api.install();
  window.history.replaceState(null, '', path);
  render(<App />);
  await waitFor(() => expect(screen.getByTestId('queue-count').textContent).not.toBe('0'));
}

describe('queue page', () => {
  const a1 = alertFixture({ createdAt: '2026-11-28T10:00:00.000Z' });
  const a2 = alertFixture({ createdAt: '2026-11-28T10:01:00.000Z' });

  it('lists open alerts newest first as the API gives them, with the count', async () => {
    const api = consoleWith([a2, a1]);
    await openQueue(api);
    expect(rows()).toEqual([a2.id, a1.id]);
    expect(screen.getByTestId('queue-count').textContent).toBe('2');
    expect(screen.getByTestId('current-user').textContent).toContain('operator');
    expect(screen.queryByTestId('nav-admin')).toBeNull();
    const query = present(api.requests.find((r) => r.path === '/api/v1/alerts')).query;
    expect(query.get('status')).toBe('open');
  });

  it('applies live events: a matching new alert goes on top, a reviewed one leaves, another line is ignored', async () => {
    await openQueue(consoleWith([a2, a1]), '/queue?line=line-1');
    const source = FakeEventSource.latest();
    expect(source.url).toBe('/api/v1/alerts/stream');

    const fresh = alertFixture({ createdAt: '2026-11-28T10:05:00.000Z' });
    act(() => source.emit('alert.raised', fresh));
    act(() => source.emit('alert.raised', alertFixture({ lineId: 'line-2', createdAt: '2026-11-28T10:06:00.000Z' })));
    expect(rows()).toEqual([fresh.id, a2.id, a1.id]);

    act(() => source.emit('alert.reviewed', { alertId: a2.id, status: 'rejected', reviewId: 'r-1', reviewer: 'someone' }));
    expect(rows()).toEqual([fresh.id, a1.id]);
    expect(screen.getByTestId('queue-count').textContent).toBe('2');
  });

  it("shows the whole queue's size from the API, not what one page holds, for the filter in force", async () => {
    const api = consoleWith([a2, a1]);
    api.on('GET', '/api/v1/alerts', { body: { items: [a2, a1], nextCursor: 'more' } });
    api.on('GET', '/api/v1/alerts/count', (request) => ({
      body: request.query.get('lineId') ? { count: 12_437, exact: false } : { count: 4043, exact: true },
    }));
    await openQueue(api);
    await waitFor(() => expect(screen.getByTestId('queue-count').textContent).toBe('4,043'));
    expect(screen.getByTestId('queue-count').getAttribute('data-exact')).toBe('true');
    expect(present(api.requests.find((r) => r.path === '/api/v1/alerts/count')).query.get('status')).toBe('open');
    // A new alert counts at once.
    act(() => FakeEventSource.latest().emit('alert.raised', alertFixture({ createdAt: '2026-11-28T10:09:00.000Z' })));
    expect(screen.getByTestId('queue-count').textContent).toBe('4,044');

    fireEvent.change(screen.getByTestId('queue-filter-line'), { target: { value: 'line-1' } });
    await waitFor(() => expect(screen.getByTestId('queue-count').textContent).toBe('≈ 12,437'));
    expect(screen.getByTestId('queue-count').getAttribute('data-exact')).toBe('false');
    expect(screen.getByText('(estimate)')).toBeTruthy();
  });

  it('lists reviewed alerts with what their review left (status, reviewer, boxes and classes) and offers no bulk decision there', async () => {
    const review = {
      id: 'r-1',
      reviewer: 'admin',
      decision: 'corrected' as const,
      boxes: [
        { className: 'crack', box: { x1: 1, y1: 1, x2: 9, y2: 9 } },
        { className: 'dent', box: { x1: 20, y1: 1, x2: 30, y2: 9 } },
      ],
      comment: null,
      createdAt: '2026-11-28T10:30:00.000Z',
    };
    const corrected = alertFixture({ status: 'corrected', review });
    const api = consoleWith([a2, a1]);
    api.on('GET', '/api/v1/alerts', (request) => ({
      body: { items: request.query.get('status') === 'corrected' ? [corrected] : [a2, a1], nextCursor: null },
    }));
    api.on('GET', '/api/v1/alerts/count', (request) => ({
      body: { count: request.query.get('status') === 'corrected' ? 1 : 2, exact: true },
    }));
    await openQueue(api);
    fireEvent.change(screen.getByTestId('queue-filter-status'), { target: { value: 'corrected' } });
    expect(window.location.search).toBe('?status=corrected');
    await waitFor(() => expect(rows()).toEqual([corrected.id]));
    const cell = within(present(screen.getAllByTestId('alert-row')[0])).getByTestId('alert-row-review');
    expect(cell.textContent).toBe('corrected by admin · 2 boxes: crack, dent');
    await waitFor(() => expect(screen.getByTestId('queue-count').parentElement?.textContent).toContain('1 corrected'));
    expect(screen.queryByTestId('bulk-confirm')).toBeNull();
  });

  it('walks the rows with j/k and opens one with Enter', async () => {
    const api = consoleWith([a2, a1]);
    api.on('GET', `/api/v1/alerts/${a1.id}`, {
      body: { ...a1, imageUrl: '/i', templateUrl: null, modelClasses: [], reviews: [], model: null, alertRules: [] },
    });
    await openQueue(api);
    fireEvent.keyDown(window, { key: 'j' });
    fireEvent.keyDown(window, { key: 'j' });
    expect(document.activeElement?.getAttribute('data-alert-id')).toBe(a1.id);
    fireEvent.keyDown(present(document.activeElement), { key: 'Enter' });
    expect(window.location.pathname).toBe(`/alerts/${a1.id}`);
    await screen.findByTestId('alert-image');
  });

  it('puts the filter in the URL and asks the API for it', async () => {
    const api = consoleWith([a2, a1]);
    await openQueue(api);
    fireEvent.change(screen.getByTestId('queue-filter-severity'), { target: { value: 'critical' } });
    expect(window.location.search).toBe('?severity=critical');
    await waitFor(() => expect(api.requests.some((r) => r.path === '/api/v1/alerts' && r.query.get('severity') === 'critical')).toBe(true));
  });

  it('bulk-confirms every matching alert, across pages, after a confirmation showing the count', async () => {
    const many = Array.from({ length: 3 }, () => alertFixture());
    const api = consoleWith([a2, a1]);
    api.on('GET', '/api/v1/alerts', (request) => {
      if (request.query.get('limit') !== '200') return { body: { items: [a2, a1], nextCursor: null } };
      return request.query.get('cursor') === 'p2'
        ? { body: { items: many, nextCursor: null } }
        : { body: { items: [a2, a1], nextCursor: 'p2' } };
    });
    api.on('POST', '/api/v1/alerts/bulk-review', (request) => {
      const ids = (request.body as { alertIds: string[] }).alertIds;
      return { body: { results: ids.map((alertId) => ({ alertId, reviewId: `r-${alertId}` })) } };
    });
    await openQueue(api);

    fireEvent.click(screen.getByTestId('bulk-confirm'));
    const dialog = await screen.findByTestId('bulk-dialog');
    await waitFor(() => expect(within(dialog).getByTestId('bulk-dialog-count').textContent).toBe('5'));
    fireEvent.click(within(dialog).getByTestId('bulk-dialog-ok'));
    await waitFor(() => expect(screen.queryByTestId('bulk-dialog')).toBeNull());

    const post = present(api.requests.find((r) => r.method === 'POST'));
    expect(post.body).toEqual({ decision: 'confirmed', alertIds: [a2.id, a1.id, ...many.map((a) => a.id)], confirm: true });
    expect(screen.getByRole('status').textContent).toContain('5 alerts confirmed');
  });

  it('cancelling the bulk dialog sends nothing', async () => {
    const api = consoleWith([a1]);
    await openQueue(api);
    fireEvent.click(screen.getByTestId('bulk-reject'));
    await waitFor(() => expect(screen.getByTestId('bulk-dialog-count').textContent).toBe('1'));
    fireEvent.click(screen.getByTestId('bulk-dialog-cancel'));
    expect(screen.queryByTestId('bulk-dialog')).toBeNull();
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('sends the user to /login, keeping the page, when the session has expired', async () => {
    const api = consoleWith([]);
    api.on('GET', '/api/v1/alerts', {
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'session expired', errorId: 'e1' } },
    });
    api.install();
    window.history.replaceState(null, '', '/queue?severity=low');
    render(<App />);
    await screen.findByTestId('login-username');
    expect(window.location.pathname).toBe('/login');
    expect(new URLSearchParams(window.location.search).get('next')).toBe('/queue?severity=low');
  });
});
