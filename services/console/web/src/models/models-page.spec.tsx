/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Line, ModelSummary, Promotion, Role } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { present, userFixture } from '../testing/fixtures';
import { defaultBaseline } from './models-page';

const model = (id: string, name: string, version: number, productionOn: string[] = []): ModelSummary => ({
  id,
  name,
  version,
  backend: 'onnx',
  classes: ['scratch', 'dent'],
  usesTemplate: false,
  createdAt: `2026-11-2${version}T00:00:00.000Z`,
  metrics: { map50: 0.9 + version / 100 },
  parentVersionId: null,
  productionOn,
});

const v3 = model('m3', 'factory', 3);
const other = { ...model('o1', 'pcb', 1), classes: ['open', 'short'] };
const v2 = model('m2', 'factory', 2, ['line-1']);
const line: Line = { id: 'line-1', name: 'Line 1', cameras: [], hasTemplate: false, production: { modelVersionId: 'm2', name: 'factory', version: 2, promotedAt: '2026-11-28T00:00:00.000Z' } };

function consoleAs(role: Role) {
  const promotions: Promotion[] = [];
  const api = new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', '/api/v1/models', { body: { items: [v3, other, v2] } })
    .on('GET', '/api/v1/lines', { body: { items: [line] } })
    .on('GET', '/api/v1/lines/line-1/promotions', () => ({ body: { items: promotions } }))
    .on('POST', '/api/v1/lines/line-1/promotions', (request) => {
      const promotion: Promotion = {
        id: 'p1',
        kind: 'promotion',
        from: { id: 'm2', name: 'factory', version: 2 },
        to: { id: 'm3', name: 'factory', version: 3 },
        promotedBy: 'milo',
        reason: (request.body as { reason: string }).reason,
        promotedAt: '2026-11-28T12:00:00.000Z',
      };
      promotions.unshift(promotion);
      return { status: 201, body: { promotion, changed: true } };
    });
  return api;
}

async function openModels(api: FakeConsole) {
  api.install();
  window.history.replaceState(null, '', '/models');
  render(<App />);
  await waitFor(() => expect(screen.getAllByTestId('model-row')).toHaveLength(3));
}

describe('models page', () => {
  it('lists versions with their production lines and compares B with the previous version of the same model', async () => {
    const api = consoleAs('ml-engineer');
    api.on('GET', '/api/v1/models/compare', { status: 404, body: { error: { code: 'not-found', message: 'no model version m9', errorId: 'e-1' } } });
    await openModels(api);
    const row = present(screen.getAllByTestId('model-row').find((r) => r.getAttribute('data-model-id') === 'm2'));
    expect(row.textContent).toContain('Line 1');
    expect((screen.getByTestId('compare-b') as HTMLSelectElement).value).toBe('m3');
    expect((screen.getByTestId('compare-a') as HTMLSelectElement).value).toBe('m2');
    fireEvent.click(screen.getByTestId('compare-go'));
    expect(window.location.pathname + window.location.search).toBe('/models/compare?a=m2&b=m3');
    await screen.findByText(/no model version m9/);
    expect(present(api.requests.find((r) => r.path === '/api/v1/models/compare')).query.toString()).toBe('a=m2&b=m3');
  });

  it('promotes with a reason and shows the answer and the new timeline entry', async () => {
    const api = consoleAs('ml-engineer');
    await openModels(api);
    await screen.findByTestId('promote-submit');
    fireEvent.change(screen.getByTestId('promote-version'), { target: { value: 'm3' } });
    fireEvent.click(screen.getByTestId('promote-submit'));
    expect((await screen.findByTestId('promote-error')).textContent).toContain('reason is required');
    fireEvent.change(screen.getByTestId('promote-reason'), { target: { value: 'better AP on dents' } });
    fireEvent.click(screen.getByTestId('promote-submit'));
    expect((await screen.findByTestId('promote-result')).textContent).toBe('Promoted factory v3 to line-1.');
    expect(present(api.requests.find((r) => r.method === 'POST')).body).toEqual({ modelVersionId: 'm3', reason: 'better AP on dents' });
    await waitFor(() => expect(within(screen.getByTestId('promotion-timeline')).getByText(/better AP on dents/)).toBeTruthy());
  });

  it('warns before a promotion that changes the classes the line detects', async () => {
    await openModels(consoleAs('admin'));
    await screen.findByTestId('promote-submit');
    expect(screen.queryByRole('note')).toBeNull();
    fireEvent.change(screen.getByTestId('promote-version'), { target: { value: 'o1' } });
    expect(screen.getByRole('note').textContent).toBe('Compared with factory v2 in production here, pcb v1 no longer detects scratch, dent and adds open, short.');
  });

  it('shows the server refusing a promotion', async () => {
    const api = consoleAs('ml-engineer');
    api.on('POST', '/api/v1/lines/line-1/promotions', { status: 403, body: { error: { code: 'forbidden', message: 'POST needs the role ml-engineer or admin', errorId: 'e-7' } } });
    await openModels(api);
    fireEvent.change(await screen.findByTestId('promote-reason'), { target: { value: 'try it' } });
    fireEvent.click(screen.getByTestId('promote-submit'));
    expect((await screen.findByTestId('promote-error')).textContent).toContain('Not allowed for your role');
  });

  it('hides promotion from an operator', async () => {
    await openModels(consoleAs('operator'));
    expect(screen.queryByTestId('promote-submit')).toBeNull();
    expect(screen.queryByTestId('rollback-submit')).toBeNull();
    expect(screen.getByTestId('promotion-timeline')).toBeTruthy();
  });
});

describe('defaultBaseline', () => {
  it('prefers the newest other version of the same model, else the next one', () => {
    expect(defaultBaseline([v3, other, v2], 'm3')).toBe('m2');
    expect(defaultBaseline([other, v3], 'o1')).toBe('m3');
    expect(defaultBaseline([other], 'o1')).toBe('o1');
  });
});
