/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Role, TrainingJob } from '../api/api-types';
import { App } from '../app';
import { FakeConsole, FakeEventSource } from '../testing/fake-console';
import { present, userFixture } from '../testing/fixtures';
import { describeProgress, withLiveProgress } from './jobs-page';

const JOB = '00000000-0000-4000-8000-0000000000a1';
const REQUEST = '00000000-0000-4000-8000-0000000000d1';

function job(overrides: Partial<TrainingJob> = {}): TrainingJob {
  return {
    id: JOB,
    lineId: 'pcb-1',
    status: 'running',
    triggers: [{ kind: 'new-labels', reason: '40 frames labelled since the last job' }],
    requestedBy: 'policy',
    attempt: 1,
    workerId: 'host-1',
    cancelRequested: false,
    datasetVersionId: 'd1',
    baseModelVersionId: 'm1',
    epochs: 8,
    progress: {
      phase: 'training',
      step: 3,
      totalSteps: 12,
      losses: { total: 2.5 },
      validationAp: null,
      etaSeconds: 60,
      message: null,
      at: '2026-12-07T10:00:00.000Z',
    },
    outcome: null,
    candidate: null,
    createdAt: '2026-12-07T09:59:00.000Z',
    startedAt: '2026-12-07T09:59:30.000Z',
    finishedAt: null,
    ...overrides,
  };
}

function setUp(role: Role, items: () => TrainingJob[]) {
  const fake = new FakeConsole()
    .on('GET', '/api/v1/auth/me', { body: { user: userFixture({ role }), expiresAt: '2030-01-01T00:00:00.000Z' } })
    .on('GET', '/api/v1/lines/pcb-1/training-jobs', () => ({ body: { items: items() } }))
    .on('GET', '/api/v1/lines/pcb-1/learning-policy', { status: 404, body: { error: { code: 'not-found', message: 'not here' } } })
    .on('POST', `/api/v1/training-jobs/${JOB}/cancel`, () => ({ body: job({ cancelRequested: true }) }))
    .on('POST', '/api/v1/lines/pcb-1/training-jobs', (r) => ({
      status: 202,
      body: { requestId: REQUEST, lineId: 'pcb-1', requestedBy: 'ana', reason: (r.body as { reason: string }).reason },
    }));
  fake.install();
  window.history.replaceState(null, '', '/lines/pcb-1/jobs');
  render(<App />);
  return fake;
}

describe('jobs page', () => {
  it('shows the line’s jobs, updates a running one from the live stream and logs each progress event', async () => {
    setUp('ml-engineer', () => [job()]);
    expect((await screen.findByTestId('job-progress')).textContent).toBe('training 3/12 · loss 2.500 · ETA 60 s');
    await waitFor(() => expect(FakeEventSource.latest().url).toBe('/api/v1/training-jobs/stream?lineId=pcb-1'));
    act(() =>
      FakeEventSource.latest().emit('training.progress', {
        jobId: JOB,
        lineId: 'pcb-1',
        occurredAt: '2026-12-07T10:00:10.000Z',
        workerId: 'host-2',
        attempt: 2,
        phase: 'evaluating',
        step: 12,
        totalSteps: 12,
        losses: { total: 1.25 },
        validationAp: 0.42,
        etaSeconds: 5,
        message: null,
      }),
    );
    expect(screen.getByTestId('job-progress').textContent).toBe('evaluating 12/12 · loss 1.250 · val AP 0.420 · ETA 5 s');
    expect(screen.getByTestId('jobs-log').textContent).toContain('evaluating 12/12');
  });

  it('cancels a running job', async () => {
    let cancelled = false;
    const fake = setUp('ml-engineer', () => [job({ cancelRequested: cancelled })]);
    fake.on('POST', `/api/v1/training-jobs/${JOB}/cancel`, () => {
      cancelled = true;
      return { body: job({ cancelRequested: true }) };
    });
    fireEvent.click(await screen.findByTestId('job-cancel'));
    await waitFor(() => expect(screen.getByTestId('jobs-notice').textContent).toContain('Asked job'));
    await waitFor(() => expect(screen.getByTestId('job-status').textContent).toBe('running (cancelling)'));
    expect(screen.queryByTestId('job-cancel')).toBeNull();
  });

  it('triggers now and shows continual-fine-tune’s refusal with its reason when it comes on the stream', async () => {
    const fake = setUp('ml-engineer', () => []);
    fireEvent.change(await screen.findByTestId('trigger-reason'), { target: { value: 'pin-hole corrections' } });
    fireEvent.click(screen.getByTestId('trigger-now'));
    await waitFor(() => expect(screen.getByTestId('jobs-notice').textContent).toContain('waiting for its answer'));
    expect(present(fake.requests.find((r) => r.method === 'POST')).body).toEqual({ reason: 'pin-hole corrections' });
    const answer = {
      requestId: REQUEST,
      lineId: 'pcb-1',
      outcome: 'refused',
      jobId: null,
      errorCode: 'training-job.nothing-labelled',
      reason: 'line pcb-1 has no labelled frame yet',
    };
    // Another request's answer is not this one's.
    act(() => FakeEventSource.latest().emit('training.trigger-answered', { ...answer, requestId: 'someone-else' }));
    expect(screen.getByTestId('jobs-notice').textContent).toContain('waiting for its answer');
    act(() => FakeEventSource.latest().emit('training.trigger-answered', answer));
    expect(screen.getByTestId('jobs-notice').textContent).toBe('Not started: line pcb-1 has no labelled frame yet');
  });

  it('offers neither trigger nor cancel to an operator', async () => {
    setUp('operator', () => [job()]);
    await screen.findByTestId('job-row');
    expect(screen.queryByTestId('trigger-now')).toBeNull();
    expect(screen.queryByTestId('job-cancel')).toBeNull();
  });
});

describe('withLiveProgress and describeProgress', () => {
  it('keeps the ledger’s progress when the live event is older', () => {
    const old = {
      jobId: JOB,
      lineId: 'pcb-1',
      occurredAt: '2026-12-07T09:00:00.000Z',
      workerId: 'w',
      attempt: 1,
      phase: 'preparing',
      step: 0,
      totalSteps: 12,
      losses: {},
      validationAp: null,
      etaSeconds: null,
      message: null,
    };
    expect(withLiveProgress(job(), old)).toEqual(job());
    expect(withLiveProgress(job({ status: 'queued', progress: null }), old)).toMatchObject({
      status: 'running',
      progress: { phase: 'preparing' },
    });
    expect(describeProgress(old)).toBe('preparing 0/12');
  });
});
