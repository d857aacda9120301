/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { OnboardingSet } from '../api/api-types';
import { App } from '../app';
import { FakeConsole, FakeEventSource } from '../testing/fake-console';
import { present, userFixture } from '../testing/fixtures';

const BASE = '00000000-0000-4000-8000-0000000000b1';
const F1 = '00000000-0000-4000-8000-0000000000f1';
const F2 = '00000000-0000-4000-8000-0000000000f2';
const JOB = '00000000-0000-4000-8000-0000000000a1';
const CANDIDATE = '00000000-0000-4000-8000-0000000000c1';
const REQUEST = '00000000-0000-4000-8000-0000000000d1';

const onboarding: OnboardingSet = {
  lineId: 'cells-2',
  usesTemplate: false,
  suggestedBase: {
    modelVersionId: BASE,
    name: 'bccd',
    version: '1.0.0',
    reason: 'bccd@1.0.0, in production on cells-1: frames without a template',
  },
  items: [
    { alertId: 'a1', frameId: F1, cameraId: 'scope-1', width: 96, height: 96, status: 'corrected', labelled: true, boxes: [] },
    { alertId: 'a2', frameId: F2, cameraId: 'scope-1', width: 96, height: 96, status: 'corrected', labelled: true, boxes: [] },
  ],
  available: [],
};

function setUp(path: string) {
  const fake = new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role: 'ml-engineer' }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('POST', '/api/v1/lines', (r) => ({ status: 201, body: { ...(r.body as object), createdAt: '2026-12-07T10:00:00.000Z' } }))
    .on('GET', '/api/v1/lines', {
      body: {
        items: [{ id: 'cells-2', name: 'Cells', cameras: [{ id: 'scope-1', name: 'Scope' }], hasTemplate: false, production: null }],
      },
    })
    .on('GET', '/api/v1/models', {
      body: {
        items: [
          {
            id: BASE,
            name: 'bccd',
            version: '1.0.0',
            backend: 'onnx',
            classes: ['rbc', 'wbc'],
            usesTemplate: false,
            createdAt: '2026-12-07T09:00:00.000Z',
            metrics: {},
            parentVersionId: null,
            productionOn: ['cells-1'],
          },
        ],
      },
    })
    .on('GET', '/api/v1/lines/cells-2/onboarding', { body: onboarding })
    .on('POST', '/api/v1/lines/cells-2/adaptations', (r) => ({
      status: 202,
      body: { requestId: REQUEST, lineId: 'cells-2', start: 'finetune', ...(r.body as object), evaluationFrameIds: [F2] },
    }))
    .on('GET', `/api/v1/models/${CANDIDATE}`, {
      body: {
        id: CANDIDATE,
        name: 'cells-2-finetune',
        version: 'ft-1',
        evaluation: { imageCount: 1, map50: 0.75, map: 0.5, perClass: [], data: {}, latencyMs: null },
      },
    });
  fake.install();
  window.history.replaceState(null, '', path);
  render(<App />);
  return fake;
}

describe('new-line wizard', () => {
  it('creates the line and goes on to its wizard', async () => {
    const fake = setUp('/lines/new');
    fireEvent.change(await screen.findByTestId('line-id'), { target: { value: 'cells-2' } });
    fireEvent.change(screen.getByTestId('line-name'), { target: { value: 'Cells' } });
    fireEvent.click(screen.getByTestId('create-line-submit'));
    await waitFor(() => expect(window.location.search).toBe('?line=cells-2'));
    expect(present(fake.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/lines')).body).toEqual({
      id: 'cells-2',
      name: 'Cells',
      feedKind: 'factory',
      usesTemplate: false,
    });
  });

  it('adapts from the chosen base on the chosen shots, follows the job on the stream and shows the evaluation', async () => {
    const fake = setUp('/lines/new?line=cells-2');
    // The nearest production model is chosen as the base until someone picks another.
    await waitFor(() => expect((screen.getByTestId('base-model') as HTMLSelectElement).value).toBe(BASE));
    expect(screen.getByTestId('suggested-base').textContent).toContain('in production on cells-1');
    fireEvent.click(await screen.findByTestId(`shot-${F1}`));
    fireEvent.click(screen.getByTestId('adapt'));
    await waitFor(() => expect(screen.getByTestId('adapt-status').textContent).toContain('waiting for the answer'));
    expect(present(fake.requests.find((r) => r.path === '/api/v1/lines/cells-2/adaptations')).body).toEqual({
      baseModelVersionId: BASE,
      shotFrameIds: [F1],
      budgetSeconds: 120,
    });
    const stream = FakeEventSource.instances.find((s) => s.url === '/api/v1/training-jobs/stream?lineId=cells-2');
    if (!stream) throw new Error('the wizard opened no jobs stream');
    act(() =>
      stream.emit('training.trigger-answered', {
        requestId: REQUEST,
        lineId: 'cells-2',
        outcome: 'accepted',
        jobId: JOB,
        errorCode: null,
        reason: 'queued',
      }),
    );
    act(() =>
      stream.emit('training.progress', {
        jobId: JOB,
        lineId: 'cells-2',
        occurredAt: '2026-12-07T10:00:10.000Z',
        workerId: 'w1',
        attempt: 1,
        phase: 'training',
        step: 4,
        totalSteps: 20,
        losses: { total: 1.5 },
        validationAp: null,
        etaSeconds: 30,
        message: 'adapting (finetune): epoch 1/5',
      }),
    );
    expect(screen.getByTestId('adapt-status').textContent).toContain('training 4/20 · loss 1.500 · ETA 30 s');
    act(() =>
      stream.emit('training.completed', {
        jobId: JOB,
        lineId: 'cells-2',
        occurredAt: '2026-12-07T10:01:00.000Z',
        gatesPassed: true,
        candidateModelVersionId: CANDIDATE,
      }),
    );
    expect(screen.getByTestId('adapt-status').textContent).toContain('passed its gates');
    await waitFor(() => expect(screen.getByTestId('wizard-evaluation').textContent).toContain('mAP@0.5 0.750 on 1 evaluation frame(s)'));
    expect(screen.getByTestId('to-candidate').getAttribute('href')).toBe(`/candidates/${CANDIDATE}`);
  });
});
