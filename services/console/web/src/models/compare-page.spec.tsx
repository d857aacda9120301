/** @jest-environment jsdom */
import { render, screen, waitFor, within } from '@testing-library/react';
import type { EvaluationData, ModelComparison, ModelDetail } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { userFixture } from '../testing/fixtures';

const DEEPPCB: EvaluationData = { source: 'deeppcb:../shared/datasets/deeppcb', split: 'validation', imageCount: 200, fingerprint: 'sha256:aa', fingerprintOf: 'training-data' };
const SYNTHETIC: EvaluationData = { source: 'synthetic:factory', split: 'validation', imageCount: 120, fingerprint: 'sha256:bb', fingerprintOf: 'training-data' };

function model(id: string, name: string, data: EvaluationData, map50: number): ModelDetail {
  return {
    id,
    name,
    version: '1.0.0',
    backend: 'onnx',
    classes: ['open'],
    usesTemplate: false,
    createdAt: '2026-11-01T00:00:00.000Z',
    metrics: {},
    parentVersionId: null,
    productionOn: [],
    spec: {},
    trainingDataFingerprint: null,
    lineage: { parent: null, trainingData: null },
    training: null,
    evaluation: { data, imageCount: data.imageCount, map50, map: map50 / 2, perClass: [{ className: 'open', ap50: map50, ap: map50 / 2, curve50: null }], latencyMs: null },
  };
}

/** The case: the shipped PCB model against the factory model, each on its own data. */
const acrossData: ModelComparison = {
  a: model('a', 'factory-template-s8s16', SYNTHETIC, 0.961),
  b: model('b', 'pcb-template-s4', DEEPPCB, 0.98),
  overall: { a: { map50: 0.961, map: 0.48 }, b: { map50: 0.98, map: 0.49 } },
  perClass: [{ className: 'open', a: { ap50: 0.961, ap: 0.48 }, b: { ap50: 0.98, ap: 0.49 }, deltaAp50: null }],
  evaluationData: {
    verdict: 'different',
    comparable: false,
    reason:
      'A (factory-template-s8s16@1.0.0) was evaluated on synthetic:factory (validation split, 120 images), B (pcb-template-s4@1.0.0) on deeppcb:../shared/datasets/deeppcb (validation split, 200 images): not the same images.',
    a: SYNTHETIC,
    b: DEEPPCB,
  },
};

async function openCompare(comparison: ModelComparison) {
  new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role: 'operator' }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', '/api/v1/models/compare', { body: comparison })
    .on('GET', '/api/v1/models', { body: { items: [] } })
    .on('GET', '/api/v1/lines', { body: { items: [] } })
    .install();
  window.history.replaceState(null, '', '/models/compare?a=a&b=b');
  render(<App />);
  await screen.findByTestId('compare-table');
}

describe('compare page', () => {
  it('says loudly that versions evaluated on different data are not comparable, on which data each was, and how to compare them', async () => {
    await openCompare(acrossData);
    const notice = screen.getByTestId('compare-data-notice');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(within(notice).getByRole('heading').textContent).toBe('Not comparable: evaluated on different data');
    expect(notice.textContent).toContain(acrossData.evaluationData.reason);
    expect(notice.textContent).toContain('A · factory-template-s8s16 v1.0.0: synthetic:factory (validation split, 120 images)');
    expect(notice.textContent).toContain('B · pcb-template-s4 v1.0.0: deeppcb:../shared/datasets/deeppcb (validation split, 200 images)');
    expect(notice.textContent).toContain('npx argus eval --model DIR_OF_A --data deeppcb:../shared/datasets/deeppcb');
    // The overall row's +0.019 is no win: it is not shown.
    const overall = screen.getByTestId('compare-table').querySelector('tr[data-class="(overall)"]') as HTMLTableRowElement;
    expect(overall.cells[5]?.textContent).toBe('n/c');
    expect(overall.cells[5]?.className).not.toMatch(/\bup\b/);
    expect(screen.getAllByTestId('evaluation-data').map((e) => e.textContent)).toEqual([
      'synthetic:factory (validation split, 120 images)',
      'deeppcb:../shared/datasets/deeppcb (validation split, 200 images)',
    ]);
  });

  it('says nothing when both were evaluated on the same images', async () => {
    await openCompare({ ...acrossData, b: model('b', 'factory-template-s8s16', SYNTHETIC, 0.98), evaluationData: { ...acrossData.evaluationData, verdict: 'same', comparable: true, b: SYNTHETIC } });
    await waitFor(() => expect(screen.getByTestId('compare-table')).toBeTruthy());
    expect(screen.queryByTestId('compare-data-notice')).toBeNull();
    const overall = screen.getByTestId('compare-table').querySelector('tr[data-class="(overall)"]') as HTMLTableRowElement;
    expect(overall.cells[5]?.className).toMatch(/\bup\b/);
  });
});
