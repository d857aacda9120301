/** @jest-environment jsdom */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Role } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { present, userFixture } from '../testing/fixtures';
import { frontStepPath, plotScale, productionCaption } from './front-plot';
import type { SearchDetail, SearchPoint } from './search-types';

const SEARCH = '00000000-0000-4000-8000-0000000000b1';

const point = (trialId: string, sequence: number, rung: number, ap: number, latencyMs: number, onFront: boolean): SearchPoint => ({
  trialId,
  sequence,
  rung,
  controller: 'evolution',
  ap,
  latencyMs,
  latencySource: 'paired-ratio',
  reward: ap,
  params: 12345,
  macs: 678900,
  onFront,
  spec: {
    input: '320×320×1',
    template: 'stack-difference',
    widths: [16, 32, 64, 128],
    depths: [0, 1, 1, 2],
    neck: 'fpn-lite width 32',
    head: 'strides 4, depth 1, width 32',
  },
});

const points = [point('t1', 0, 1, 0.8, 5, true), point('t2', 1, 0, 0.4, 6, false), point('t3', 2, 0, 0.6, 2, true)];

const detail: SearchDetail = {
  id: SEARCH,
  lineId: 'pcb-1',
  name: 'first search',
  controller: 'evolution',
  status: 'running',
  stopReason: null,
  requestedBy: 'ml',
  createdAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T10:30:00.000Z',
  progress: {
    requested: 6,
    completed: 4,
    failed: 1,
    best: { ap: 0.8, latencyMs: 5 },
    frontSize: 2,
    trialsPerHour: 10,
    elapsedSeconds: 1800,
    budget: { maxTrials: 40, maxWallSeconds: null },
  },
  settings: { dataSource: 'synthetic:pcb' },
  points,
  front: [points[2] as SearchPoint, points[0] as SearchPoint],
  production: {
    modelVersionId: 'v-prod',
    name: 'deeppcb',
    version: '1',
    ap: 0.97,
    apMetric: 'deepPcbAp',
    latencyMs: null,
    latencySource: null,
  },
  candidates: [],
};

function consoleAs(role: Role, answer: SearchDetail = detail) {
  return new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', `/api/v1/searches/${SEARCH}`, { body: answer })
    .on('POST', `/api/v1/searches/${SEARCH}/trials/t1/train`, {
      status: 202,
      body: { requestId: '00000000-0000-4000-8000-0000000000a1', searchId: SEARCH, trialId: 't1', lineId: 'pcb-1', requestedBy: 'ml' },
    });
}

async function openSearch(api: FakeConsole) {
  api.install();
  window.history.replaceState(null, '', `/searches/${SEARCH}`);
  render(<App />);
  await waitFor(() => expect(screen.getAllByTestId('trial-dot')).toHaveLength(3));
}

afterEach(cleanup);

describe('search page', () => {
  it('plots one dot per trial coloured by rung, the front as a step line, and the production AP (latency not measured)', async () => {
    await openSearch(consoleAs('operator'));
    const dots = screen.getAllByTestId('trial-dot');
    expect(dots.map((d) => [d.getAttribute('data-trial-id'), d.getAttribute('data-rung'), d.getAttribute('data-on-front')])).toEqual([
      ['t1', '1', 'true'],
      ['t2', '0', 'false'],
      ['t3', '0', 'true'],
    ]);
    // Rung 1 and rung 0 differ in colour; the same rung shares one.
    expect(dots[0]?.getAttribute('fill')).not.toBe(dots[1]?.getAttribute('fill'));
    expect(dots[1]?.getAttribute('fill')).toBe(dots[2]?.getAttribute('fill'));
    // Faster is left, more accurate is up.
    expect(Number(dots[2]?.getAttribute('cx'))).toBeLessThan(Number(dots[0]?.getAttribute('cx')));
    expect(Number(dots[0]?.getAttribute('cy'))).toBeLessThan(Number(dots[2]?.getAttribute('cy')));
    expect(screen.getByTestId('front-line').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+ H[\d.]+ V[\d.]+ H[\d.]+$/);
    expect(screen.getByTestId('production-ap-line')).toBeTruthy();
    expect(screen.queryByTestId('production-mark')).toBeNull();
    expect(screen.getByTestId('production-caption').textContent).toContain('latency not measured');
    expect(screen.getByTestId('search-progress').textContent).toContain('AP 0.800 at 5.00 ms');
    expect(screen.getByTestId('search-progress').textContent).toContain('6 / 40 trials');
  });

  it("shows a clicked dot's spec; an operator sees no Train fully and no cancel", async () => {
    await openSearch(consoleAs('operator'));
    fireEvent.click(present(screen.getAllByTestId('trial-dot')[0]));
    const panel = await screen.findByTestId('point-panel');
    expect(panel.textContent).toContain('320×320×1');
    expect(panel.textContent).toContain('16 / 32 / 64 / 128');
    expect(panel.textContent).toContain('fpn-lite width 32');
    expect(panel.textContent).toContain('12,345');
    expect(screen.queryByTestId('train-fully')).toBeNull();
    expect(screen.queryByTestId('cancel-search')).toBeNull();
  });

  it('lets an ML engineer train a point fully', async () => {
    const api = consoleAs('ml-engineer');
    await openSearch(api);
    expect(screen.getByTestId('cancel-search')).toBeTruthy();
    fireEvent.click(present(screen.getAllByTestId('trial-dot')[0]));
    fireEvent.click(await screen.findByTestId('train-fully'));
    expect((await screen.findByTestId('search-message')).textContent).toContain('Full training of trial 0 requested');
    expect(present(api.requests.find((r) => r.method === 'POST')).path).toBe(`/api/v1/searches/${SEARCH}/trials/t1/train`);
  });

  it('marks a production model with a measured latency as a diamond', async () => {
    await openSearch(
      consoleAs('admin', { ...detail, production: { ...present(detail.production), latencyMs: 4, latencySource: 'registry' } }),
    );
    expect(screen.getByTestId('production-mark')).toBeTruthy();
    expect(screen.queryByTestId('production-ap-line')).toBeNull();
  });
});

describe('front plot geometry', () => {
  it('steps right then up through the front, fastest first, to the right edge', () => {
    const scale = plotScale(points, null);
    expect(scale.xMax).toBe(10);
    const d = frontStepPath([points[0] as SearchPoint, points[2] as SearchPoint], scale);
    const [x2, y06, x5, y08] = [scale.x(2), scale.y(0.6), scale.x(5), scale.y(0.8)].map((v) => v.toFixed(1));
    expect(d.startsWith(`M${x2},${y06} H${x5} V${y08} H`)).toBe(true);
    expect(frontStepPath([], scale)).toBe('');
  });

  it('says what of the production model is not measured', () => {
    expect(productionCaption(null)).toBe('the line has no production model');
    expect(productionCaption({ ...present(detail.production), ap: null })).toContain('AP not measured');
  });
});
