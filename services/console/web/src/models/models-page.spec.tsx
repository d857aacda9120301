/** @jest-environment jsdom */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Line, ModelDetail, ModelSummary, Promotion, Role, VersionPromotion } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { present, userFixture } from '../testing/fixtures';
import { defaultBaseline } from './models-page';

const model = (id: string, name: string, version: string, productionOn: string[] = []): ModelSummary => ({
  id,
  name,
  version,
  backend: 'onnx',
  classes: ['scratch', 'dent'],
  usesTemplate: false,
  createdAt: `2026-11-2${version}T00:00:00.000Z`,
  metrics: { map50: 0.9 + Number(version) / 100 },
  parentVersionId: null,
  productionOn,
});

const v3 = model('m3', 'factory', '3');
const other = { ...model('o1', 'pcb', '1'), classes: ['open', 'short'] };
const v2 = model('m2', 'factory', '2', ['line-1']);
const line: Line = { id: 'line-1', name: 'Line 1', cameras: [], hasTemplate: false, production: { modelVersionId: 'm2', name: 'factory', version: '2', promotedAt: '2026-11-28T00:00:00.000Z' } };

const first: Promotion = {
  id: 'p0',
  kind: 'promotion',
  from: null,
  to: { id: 'm2', name: 'factory', version: '2' },
  promotedBy: 'detection-inference-bootstrap',
  reason: 'initial production model',
  promotedAt: '2026-11-27T00:00:00.000Z',
};

function consoleAs(role: Role) {
  // Line 1 has had one model: nothing to roll back to until another is promoted.
  const promotions: Promotion[] = [first];
  const api = new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', '/api/v1/models', { body: { items: [v3, other, v2] } })
    .on('GET', '/api/v1/lines', { body: { items: [line] } })
    .on('GET', '/api/v1/lines/line-1/promotions', () => ({ body: { items: promotions, rollbackTo: promotions.length > 1 ? promotions[0]?.from : null } }))
    .on('POST', '/api/v1/lines/line-1/promotions', (request) => {
      const promotion: Promotion = {
        id: 'p1',
        kind: 'promotion',
        from: { id: 'm2', name: 'factory', version: '2' },
        to: { id: 'm3', name: 'factory', version: '3' },
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

  it('disables rollback, saying why, while the line has no earlier model; enables it, naming the target, once it has one', async () => {
    const api = consoleAs('ml-engineer');
    await openModels(api);
    await waitFor(() => expect(screen.getByTestId('rollback-target').textContent).toBe('Nothing to roll back to: factory v2 is the first model this line had in production.'));
    const rollback = screen.getByTestId('rollback-submit') as HTMLButtonElement;
    expect(rollback.disabled).toBe(true);
    expect(rollback.title).toBe('Nothing to roll back to: factory v2 is the first model this line had in production.');
    fireEvent.change(screen.getByTestId('promote-version'), { target: { value: 'm3' } });
    fireEvent.change(screen.getByTestId('promote-reason'), { target: { value: 'better AP on dents' } });
    fireEvent.click(screen.getByTestId('promote-submit'));
    await waitFor(() => expect((screen.getByTestId('rollback-submit') as HTMLButtonElement).disabled).toBe(false));
    expect(screen.getByTestId('rollback-target').textContent).toBe('Returns the line to factory v2, in production before the current model.');
    expect(api.requests.filter((r) => r.path === '/api/v1/lines/line-1/rollback')).toEqual([]);
  });

  it('opens a version from its row, at a URL that can be shared', async () => {
    const api = consoleAs('ml-engineer');
    const detail: ModelDetail = {
      ...v3,
      parentVersionId: 'm2',
      spec: { name: 'factory-template-s8s16', input: { width: 256, height: 256 } },
      trainingDataFingerprint: 'sha256:b8df4ebec8d9ebec0d9c',
      lineage: { parent: { id: 'm2', name: 'factory', version: '2' }, trainingData: { source: 'synthetic:factory', fingerprint: 'sha256:b8df4ebec8d9ebec0d9c', split: 'scenes 0..599 train, 120 validation', trainedOn: 'wasm' } },
      training: {
        command: 'npx argus train --data synthetic:factory --feed factory --epochs 8 --seed 1',
        resumedWith: [],
        backend: 'wasm',
        epochsRun: 8,
        bestEpoch: 7,
        stopReason: 'completed',
        trainingSeconds: 417.7,
        trainImages: 600,
        validationImages: 120,
        hyperparameters: { epochs: 8, batchSize: 16 },
      },
      evaluation: {
        data: { source: 'synthetic:factory', split: 'validation', imageCount: 120, fingerprint: 'sha256:b8df4ebec8d9ebec0d9c', fingerprintOf: 'training-data' },
        imageCount: 120,
        map50: 0.98,
        map: 0.642,
        perClass: [
          { className: 'scratch', ap50: 0.97, ap: 0.61, curve50: { recall: [0, 0.5, 1], precision: [1, 0.9, 0.5] } },
          { className: 'dent', ap50: 0.99, ap: 0.67, curve50: { recall: [0, 1], precision: [1, 0.8] } },
        ],
        latencyMs: { p50: 8.2, p95: 11.5 },
      },
    };
    const history: VersionPromotion[] = [
      { id: 'p9', lineId: 'line-1', kind: 'rollback', from: { id: 'm3', name: 'factory', version: '3' }, to: { id: 'm2', name: 'factory', version: '2' }, promotedBy: 'milo', reason: 'false alarms on dents', promotedAt: '2026-11-28T13:00:00.000Z' },
      { id: 'p8', lineId: 'line-1', kind: 'promotion', from: { id: 'm2', name: 'factory', version: '2' }, to: { id: 'm3', name: 'factory', version: '3' }, promotedBy: 'milo', reason: 'better AP on dents', promotedAt: '2026-11-28T12:00:00.000Z' },
    ];
    api.on('GET', '/api/v1/models/m3', { body: detail }).on('GET', '/api/v1/models/m3/promotions', { body: { items: history } });
    await openModels(api);
    const row = present(screen.getAllByTestId('model-row').find((r) => r.getAttribute('data-model-id') === 'm3'));
    fireEvent.click(present((row as HTMLTableRowElement).cells[2]));
    expect(window.location.pathname).toBe('/models/m3');
    const page = await screen.findByTestId('model-page');
    await within(page).findByTestId('model-class-table');
    expect(within(page).getByRole('heading', { level: 1 }).textContent).toBe('factory v3');
    const classRows = [...screen.getByTestId('model-class-table').querySelectorAll('tbody tr')].map((r) => [...(r as HTMLTableRowElement).cells].map((c) => c.textContent));
    expect(classRows).toEqual([
      ['scratch', '0.970', '0.610'],
      ['dent', '0.990', '0.670'],
    ]);
    expect(screen.getByTestId('evaluation-data').textContent).toContain('synthetic:factory (validation split, 120 images)');
    expect(screen.getByTestId('pr-plot').querySelectorAll('path[data-series]')).toHaveLength(2);
    const lineage = screen.getByTestId('model-lineage');
    expect(within(lineage).getByRole('link', { name: 'factory v2' }).getAttribute('href')).toBe('/models/m2');
    expect(screen.getByTestId('model-training-command').textContent).toBe('npx argus train --data synthetic:factory --feed factory --epochs 8 --seed 1');
    expect(lineage.textContent).toContain('synthetic:factory');
    expect(lineage.textContent).toContain('input.width: 256');
    expect(screen.getByTestId('model-production-lines').textContent).toBe('In production on no line.');
    const entries = [...screen.getByTestId('model-promotions').querySelectorAll('li')].map((li) => li.textContent);
    expect(entries[0]).toContain('Rolled back on Line 1 · replaced by factory v2');
    expect(entries[1]).toContain('Promoted on Line 1 · replaced factory v2');
    expect(screen.getByTestId('compare-with-parent').getAttribute('href')).toBe('/models/compare?a=m2&b=m3');

    // The same URL opened directly (shared) shows the same version.
    cleanup();
    window.history.replaceState(null, '', '/models/m3');
    render(<App />);
    expect((await screen.findByTestId('model-training-command')).textContent).toContain('npx argus train');
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
