/** @jest-environment jsdom */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Candidate, Role } from '../api/api-types';
import { App } from '../app';
import { FakeConsole } from '../testing/fake-console';
import { present, userFixture } from '../testing/fixtures';

const ID = '00000000-0000-4000-8000-0000000000c2';

function candidate(passed: boolean): Candidate {
  return {
    version: {
      id: ID,
      name: 'pcb',
      version: 'ft-00000000',
      artifactKey: 'models/pcb/ft-00000000',
      classes: ['open', 'pin-hole'],
      parentVersionId: 'm1',
      metrics: { gatesPassed: passed ? 1 : 0 },
      createdAt: '2026-12-07T10:00:00.000Z',
    },
    gatesPassed: passed,
    gateReport: {
      passed,
      reasons: passed ? [] : ['latency 1.40 × production (limit 1.10 ×)'],
      checks: [{ kind: 'latency', passed, detail: 'latency 1.40 × production (limit 1.10 ×)', measured: 1.4, limit: 1.1 }],
    },
    promotion: { needsAdminOverride: !passed },
    job: null,
    dataset: null,
    shadow: {
      state: 'none',
      message: 'no shadow run yet',
      lineId: 'pcb-1',
      framesScored: 0,
      firstScoredAt: null,
      lastScoredAt: null,
      agreement: null,
    },
  };
}

function setUp(role: Role, passed: boolean) {
  const c = candidate(passed);
  const fake = new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', `/api/v1/candidates/${ID}`, {
      body: {
        ...c,
        job: {
          id: '00000000-0000-4000-8000-0000000000a1',
          lineId: 'pcb-1',
          status: 'completed',
          triggers: [{ kind: 'manual', reason: 'pin-holes' }],
          requestedBy: 'ana',
          attempt: 1,
          workerId: 'w',
          cancelRequested: false,
          datasetVersionId: 'd1',
          baseModelVersionId: 'm1',
          epochs: 3,
          progress: null,
          outcome: { status: 'completed', errorCode: null, reason: null, durationMs: 1000, gateReasons: c.gateReport?.reasons ?? [] },
          candidate: { modelVersionId: ID, gatesPassed: passed },
          createdAt: '2026-12-07T09:00:00.000Z',
          startedAt: null,
          finishedAt: null,
        },
      },
    })
    .on('POST', '/api/v1/lines/pcb-1/promotions', {
      status: 201,
      body: {
        changed: true,
        promotion: {
          id: 'p1',
          kind: 'promotion',
          from: null,
          to: { id: ID, name: 'pcb', version: 'ft-00000000' },
          promotedBy: 'root',
          reason: 'x',
          promotedAt: '2026-12-07T10:00:00.000Z',
        },
      },
    });
  fake.install();
  window.history.replaceState(null, '', `/candidates/${ID}`);
  render(<App />);
  return fake;
}

describe('candidate page', () => {
  it('shows failed gates and the empty shadow section; an ML engineer cannot promote it', async () => {
    setUp('ml-engineer', false);
    expect((await screen.findByTestId('candidate-gates')).textContent).toBe('failed');
    expect(screen.getByTestId('gate-check').textContent).toContain('latency 1.40 × production');
    expect(screen.getByTestId('candidate-shadow').textContent).toContain('No shadow run yet.');
    expect(screen.getByTestId('override-notice').textContent).toContain('Only an admin can promote it');
    expect((screen.getByTestId('candidate-promote') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByTestId('override-reason')).toBeNull();
  });

  it('lets an admin override the failed gates with a reason, sent as gateOverride', async () => {
    const fake = setUp('admin', false);
    fireEvent.change(await screen.findByTestId('candidate-reason'), { target: { value: 'better on pin-hole' } });
    fireEvent.click(screen.getByTestId('candidate-promote'));
    expect(screen.getByTestId('candidate-error').textContent).toContain('needs its own reason');
    fireEvent.change(screen.getByTestId('override-reason'), { target: { value: 'latency measured on a loaded host' } });
    fireEvent.click(screen.getByTestId('candidate-promote'));
    await waitFor(() => expect(screen.getByTestId('candidate-result').textContent).toBe('Promoted pcb vft-00000000 to pcb-1.'));
    expect(present(fake.requests.find((r) => r.method === 'POST')).body).toEqual({
      modelVersionId: ID,
      reason: 'better on pin-hole',
      gateOverride: { reason: 'latency measured on a loaded host' },
    });
  });

  it('shows a running shadow’s agreement with production and both against the operators’ ground truth', async () => {
    const counts = (precision: number, recall: number) => ({ truePositives: 9, falsePositives: 1, falseNegatives: 1, precision, recall });
    const fake = setUp('ml-engineer', true);
    fake.on('GET', `/api/v1/candidates/${ID}`, {
      body: {
        ...candidate(true),
        shadow: {
          state: 'running',
          message: 'shadowing pcb-1: 120 frames scored so far',
          lineId: 'pcb-1',
          framesScored: 120,
          firstScoredAt: '2026-12-07T10:00:00.000Z',
          lastScoredAt: '2026-12-07T10:05:00.000Z',
          agreement: {
            frames: 120,
            reviewedFrames: 12,
            shadowVsProduction: counts(0.9, 0.8),
            productionVsTruth: counts(0.5, 0.25),
            shadowVsTruth: counts(0.75, 1),
          },
        },
      },
    });
    window.history.replaceState(null, '', `/candidates/${ID}`);
    const rows = await screen.findAllByTestId('shadow-row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'shadow vs production90.0 %80.0 %120',
      'production vs operators50.0 %25.0 %12',
      'shadow vs operators75.0 %100.0 %12',
    ]);
    expect(screen.getByTestId('candidate-shadow').textContent).toContain('shadowing pcb-1: 120 frames scored so far');
  });

  it('promotes a candidate that passed without an override', async () => {
    const fake = setUp('ml-engineer', true);
    fireEvent.change(await screen.findByTestId('candidate-reason'), { target: { value: 'passed its gates' } });
    fireEvent.click(screen.getByTestId('candidate-promote'));
    await waitFor(() => expect(screen.getByTestId('candidate-result')).toBeTruthy());
    expect(present(fake.requests.find((r) => r.method === 'POST')).body).toEqual({ modelVersionId: ID, reason: 'passed its gates' });
  });
});
