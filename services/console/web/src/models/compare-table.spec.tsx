/** @jest-environment jsdom */
import { present } from '../testing/fixtures';
import { render, screen, within } from '@testing-library/react';
import type { ModelComparison, ModelDetail } from '../api/api-types';
import { CompareTable, deltaOf } from './compare-table';
import { prPath } from './pr-plot';

function model(id: string, version: string): ModelDetail {
  return {
    id,
    name: 'pcb-template-s4',
    version,
    backend: 'wasm',
    classes: ['open', 'short'],
    usesTemplate: true,
    createdAt: '2026-11-01T00:00:00.000Z',
    metrics: {},
    parentVersionId: null,
    productionOn: [],
    spec: {},
    trainingDataFingerprint: null,
    lineage: { parent: null, trainingData: null },
    training: null,
    evaluation: null,
  };
}

const DEEPPCB = { source: 'deeppcb:../shared/datasets/deeppcb', split: 'validation', imageCount: 200, fingerprint: 'sha256:aa', fingerprintOf: 'training-data' as const };
const SYNTHETIC = { source: 'synthetic:factory', split: 'validation', imageCount: 120, fingerprint: 'sha256:bb', fingerprintOf: 'training-data' as const };

const comparison: ModelComparison = {
  a: model('a', '3'),
  b: model('b', '4'),
  overall: { a: { map50: 0.9, map: 0.6 }, b: { map50: 0.925, map: 0.61 } },
  perClass: [
    { className: 'open', a: { ap50: 0.95, ap: 0.7 }, b: { ap50: 0.97, ap: 0.72 }, deltaAp50: 0.02 },
    { className: 'short', a: { ap50: 0.85, ap: 0.5 }, b: { ap50: 0.8, ap: 0.49 }, deltaAp50: -0.05 },
    { className: 'spur', a: null, b: { ap50: 0.7, ap: 0.4 }, deltaAp50: null },
    { className: 'pin-hole', a: { ap50: 0.9, ap: 0.6 }, b: { ap50: 0.902, ap: 0.6 }, deltaAp50: 0.002 },
  ],
  evaluationData: { verdict: 'same', comparable: true, reason: 'Both were evaluated on the same images.', a: DEEPPCB, b: DEEPPCB },
};

/** The API's answer for two versions evaluated on different data: no deltas, and why. */
const acrossData: ModelComparison = {
  ...comparison,
  perClass: comparison.perClass.map((r) => ({ ...r, deltaAp50: null })),
  evaluationData: {
    verdict: 'different',
    comparable: false,
    reason: 'A (pcb-template-s4@3) was evaluated on deeppcb:../shared/datasets/deeppcb (validation split, 200 images), B (pcb-template-s4@4) on synthetic:factory (validation split, 120 images): not the same images.',
    a: DEEPPCB,
    b: SYNTHETIC,
  },
};

describe('CompareTable', () => {
  it('shows both versions per class with signed, coloured deltas', () => {
    render(<CompareTable comparison={comparison} />);
    const table = screen.getByTestId('compare-table');
    expect(within(table).getByText('A · pcb-template-s4 v3')).toBeTruthy();
    expect(within(table).getByText('B · pcb-template-s4 v4')).toBeTruthy();

    const row = (name: string) => table.querySelector(`tr[data-class="${name}"]`) as HTMLTableRowElement;
    const cells = (name: string) => [...row(name).cells].map((c) => c.textContent);
    expect(cells('open')).toEqual(['open', '0.950', '0.700', '0.970', '0.720', '+0.020']);
    expect(row('open').cells[5]?.className).toContain('up');
    expect(cells('short')[5]).toBe('-0.050');
    expect(row('short').cells[5]?.className).toContain('down');
    expect(cells('spur')).toEqual(['spur', 'not in A', '—', '0.700', '0.400', '—']);
    // A change inside the noise band is shown but not coloured.
    expect(row('pin-hole').cells[5]?.className).not.toMatch(/up|down/);
    expect(cells('(overall)')[5]).toBe('+0.025');
  });

  it('shows dashes for a version without any evaluation', () => {
    render(<CompareTable comparison={{ ...comparison, overall: { a: { map50: null, map: null }, b: comparison.overall.b } }} />);
    const overall = screen.getByTestId('compare-table').querySelector('tr[data-class="(overall)"]') as HTMLTableRowElement;
    expect([...overall.cells].map((c) => c.textContent)).toEqual(['all classes (mAP)', '—', '—', '0.925', '0.610', '—']);
  });

  it('shows no delta, and no colour, between versions evaluated on different data', () => {
    render(<CompareTable comparison={acrossData} />);
    const table = screen.getByTestId('compare-table');
    for (const name of ['(overall)', 'open', 'short', 'pin-hole']) {
      const cell = present((table.querySelector(`tr[data-class="${name}"]`) as HTMLTableRowElement).cells[5]);
      expect([name, cell.textContent]).toEqual([name, 'n/c']);
      expect(cell.className).not.toMatch(/\b(up|down)\b/);
    }
    expect(within(table).getByText(/not comparable/)).toBeTruthy();
  });

  it('shows deltas it cannot confirm are on the same images grey, never as wins or losses', () => {
    render(<CompareTable comparison={{ ...comparison, evaluationData: { ...comparison.evaluationData, verdict: 'unverified', comparable: false } }} />);
    const row = screen.getByTestId('compare-table').querySelector('tr[data-class="open"]') as HTMLTableRowElement;
    expect(row.cells[5]?.textContent).toBe('+0.020');
    expect(row.cells[5]?.className).not.toMatch(/\b(up|down)\b/);
    expect(row.cells[5]?.className).toContain('unverified');
  });

  it('recomputes a missing delta when both sides have the class', () => {
    expect(deltaOf({ className: 'x', a: { ap50: 0.5, ap: 0.3 }, b: { ap50: 0.75, ap: 0.3 }, deltaAp50: null })).toBeCloseTo(0.25);
    expect(deltaOf({ className: 'x', a: null, b: { ap50: 0.75, ap: 0.3 }, deltaAp50: null })).toBeNull();
  });
});

describe('prPath', () => {
  it('draws recall on x and precision on y inside the plot area', () => {
    const path = prPath({ recall: [0, 0.5, 1], precision: [1, 0.8, 0] });
    const points = path.split(' ').map((p) => p.slice(1).split(',').map(Number));
    expect(path.startsWith('M')).toBe(true);
    expect(points).toHaveLength(3);
    const [first, mid, last] = points as [number[], number[], number[]];
    expect(first[0]).toBeLessThan(present(mid[0]));
    expect(mid[0]).toBeLessThan(present(last[0]));
    // Precision 1 is at the top (smaller y) and 0 at the bottom.
    expect(first[1]).toBeLessThan(present(mid[1]));
    expect(mid[1]).toBeLessThan(present(last[1]));
  });
});
