/** @jest-environment jsdom */
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { userFixture } from '../testing/fixtures';
import { describeBudget, formatDuration } from './searches-page';
import type { SearchSummary } from './search-types';

const summary: SearchSummary = {
  id: '00000000-0000-4000-8000-0000000000b1',
  lineId: 'pcb-1',
  name: 'first search',
  controller: 'ppo',
  status: 'completed',
  stopReason: 'trial budget spent',
  requestedBy: 'ml',
  createdAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T12:00:00.000Z',
  progress: {
    requested: 40,
    completed: 38,
    failed: 2,
    best: { ap: 0.91, latencyMs: 3.5 },
    frontSize: 6,
    trialsPerHour: 20,
    elapsedSeconds: 7200,
    budget: { maxTrials: 40, maxWallSeconds: 7200 },
  },
};

afterEach(cleanup);

describe('searches page', () => {
  it('lists searches with their progress and links each to its page; operators see it in the navigation', async () => {
    new FakeConsole()
      .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role: 'operator' }), expiresAt: '2030-01-01T00:00:00.000Z' } })
      .on('GET', '/api/v1/searches', { body: { items: [summary] } })
      .install();
    window.history.replaceState(null, '', '/searches');
    render(<App />);
    await waitFor(() => expect(screen.getAllByTestId('search-row')).toHaveLength(1));
    const row = screen.getByTestId('search-row');
    expect(row.textContent).toContain('first search');
    expect(row.textContent).toContain('0.910 @ 3.50');
    expect(row.textContent).toContain('40 / 40 trials, 2.0 h of 2.0 h');
    expect(row.querySelector('a')?.getAttribute('href')).toBe(`/searches/${summary.id}`);
    expect(screen.getByTestId('nav-searches').getAttribute('aria-current')).toBe('page');
  });

  it('says budgets and durations in words', () => {
    expect(describeBudget({ progress: { ...summary.progress, budget: { maxTrials: null, maxWallSeconds: null } } })).toBe('40 trials');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(600)).toBe('10 min');
  });
});
