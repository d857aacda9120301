/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Dashboard, DashboardLine } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { present, userFixture } from '../testing/fixtures';

function line(lineId: string, backlog: DashboardLine['backlog']): DashboardLine {
  return { lineId, name: lineId, production: null, framesPerMinute: 12, alertsPerMinute: 1, defectRate: 0.08, series: [], backlog };
}

describe('dashboard page', () => {
  it("shows each line's backlog of open alerts (an estimate marked as one), linking to its queue", async () => {
    const dashboard: Dashboard = {
      generatedAt: '2026-12-07T08:14:03.000Z',
      minutes: 60,
      lines: [line('line-a', { count: 4043, exact: true }), line('line-b', { count: 12_400, exact: false })],
      pipeline: { consumerGroups: [], deadLetters: [] },
    };
    new FakeConsole()
      .on('GET', '/api/v1/auth/me', { body: { user: userFixture(), expiresAt: '2030-01-01T00:00:00.000Z' } })
      .on('GET', '/api/v1/dashboard', { body: dashboard })
      .on('GET', '/api/v1/alerts', { body: { items: [], nextCursor: null } })
      .on('GET', '/api/v1/alerts/count', { body: { count: 4043, exact: true } })
      .on('GET', '/api/v1/lines', { body: { items: [] } })
      .on('GET', '/api/v1/models', { body: { items: [] } })
      .install();
    window.history.replaceState(null, '', '/dashboard');
    render(<App />);
    const cards = await screen.findAllByTestId('dashboard-line');
    const backlog = (i: number) => within(present(cards[i])).getByTestId('dashboard-backlog');
    expect(backlog(0).textContent).toBe('4,043 open to review');
    expect(backlog(1).textContent).toBe('≈ 12,400 open to review');
    // The time it was made says which zone it is in.
    expect(screen.getByText(/updated \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/)).toBeTruthy();
    fireEvent.click(backlog(0));
    expect(window.location.pathname + window.location.search).toBe('/queue?line=line-a');
    await waitFor(() => expect(screen.getByTestId('queue-count').textContent).toBe('4,043'));
  });
});
