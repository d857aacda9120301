/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { AlertDetail, AlertSummary } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { alertFixture, present, userFixture } from '../testing/fixtures';

const item = (uncertainty: number, reason: 'near-threshold' | 'random'): AlertSummary =>
  alertFixture({
    kind: 'audit',
    audit: { reason, uncertainty },
    severity: 'low',
    detections: reason === 'random' ? [] : [{ className: 'scratch', score: 0.41, box: { x1: 10, y1: 20, x2: 110, y2: 70 } }],
    frame: { width: 640, height: 480 },
  });

function detailOf(summary: AlertSummary): AlertDetail {
  return {
    ...summary,
    imageUrl: `/api/v1/frames/${summary.frameId}/image`,
    templateUrl: null,
    modelClasses: ['scratch'],
    reviews: [],
    model: null,
    alertRules: [],
  };
}

function consoleWith(items: AlertSummary[]): FakeConsole {
  const api = new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture(), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', '/api/v1/lines', {
      body: { items: [{ id: 'line-1', name: 'Line 1', cameras: [{ id: 'cam-top', name: 'top' }], hasTemplate: false, production: null }] },
    })
    .on('GET', '/api/v1/audit-items', { body: { items, nextCursor: null } });
  for (const i of items) {
    api.on('GET', `/api/v1/alerts/${i.id}`, { body: detailOf(i) }).on('POST', `/api/v1/alerts/${i.id}/reviews`, (request) => ({
      status: 201,
      body: {
        review: { id: 'r-1', reviewer: 'olga', decision: 'rejected', boxes: [], comment: null, createdAt: i.createdAt },
        alert: { ...i, status: (request.body as { decision: string }).decision },
        conflictsWith: null,
      },
    }));
  }
  return api;
}

const rows = () => screen.queryAllByTestId('audit-row').map((r) => r.getAttribute('data-alert-id'));

describe('audit queue', () => {
  const near = item(0.9, 'near-threshold');
  const random = item(0, 'random');

  it('lists audit items in the order the API ranks them (most uncertain first), with uncertainty and reason', async () => {
    const api = consoleWith([near, random]);
    api.install();
    window.history.replaceState(null, '', '/queue/audit?line=line-1');
    render(<App />);
    await waitFor(() => expect(rows()).toEqual([near.id, random.id]));
    expect(screen.getAllByTestId('audit-row-uncertainty').map((c) => c.textContent)).toEqual(['90%', '0%']);
    expect(screen.getAllByTestId('audit-row-reason').map((c) => c.textContent)).toEqual([
      'just under the alert threshold',
      'random sample of frames without an alert',
    ]);
    expect(present(api.requests.find((r) => r.path === '/api/v1/audit-items')).query.get('lineId')).toBe('line-1');
    expect(screen.getByTestId('queue-tab-audit').getAttribute('aria-selected')).toBe('true');

    fireEvent.click(present(screen.getAllByTestId('audit-row')[0]));
    await screen.findByTestId('alert-image');
    expect(window.location.pathname).toBe(`/alerts/${near.id}`);
  });

  it('labels an audit item on the review page; "No defect" records a rejection and goes on to the next audit item', async () => {
    const api = consoleWith([near, random]);
    api.install();
    window.history.replaceState(null, '', `/alerts/${near.id}`);
    render(<App />);
    await screen.findByTestId('alert-image');
    expect(screen.getByTestId('review-title').textContent).toContain('Audit item');
    expect(screen.getByTestId('audit-reason').textContent).toContain('just under the alert threshold');
    expect(screen.getByTestId('decision-confirm').textContent).toContain("Confirm model's boxes");
    const reject = screen.getByTestId('decision-reject');
    expect(reject.textContent).toContain('No defect');

    fireEvent.click(reject);
    await waitFor(() => expect(window.location.pathname).toBe(`/alerts/${random.id}`));
    expect(present(api.requests.find((r) => r.method === 'POST')).body).toMatchObject({ decision: 'rejected' });
    // The next item came from the audit queue, not the alerts'.
    expect(api.requests.some((r) => r.path === '/api/v1/alerts' && r.method === 'GET')).toBe(false);
    await screen.findByText(/no defect · saved/);
    expect(present(screen.getByText('← Queue').getAttribute('href'))).toBe('/queue/audit?line=line-1');
  });

  it('shows the alert queue with an Audit tab that opens the audit queue', async () => {
    const api = consoleWith([near]).on('GET', '/api/v1/models', { body: { items: [] } });
    api
      .on('GET', '/api/v1/alerts', { body: { items: [alertFixture()], nextCursor: null } })
      .on('GET', '/api/v1/alerts/count', { body: { count: 1, exact: true } });
    api.install();
    window.history.replaceState(null, '', '/queue');
    render(<App />);
    fireEvent.click(await screen.findByTestId('queue-tab-audit'));
    await waitFor(() => expect(rows()).toEqual([near.id]));
    expect(window.location.pathname).toBe('/queue/audit');
  });
});
