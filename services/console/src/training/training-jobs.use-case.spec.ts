import { Topics } from '@argus/contracts';
import type { TrainingJobRecord } from '@argus/persistence';
import { DomainError } from '@argus/platform';
import { strictMock } from '@argus/platform/testing';
import { TrainingJobsUseCase } from './training-jobs.use-case';

const JOB = '00000000-0000-4000-8000-0000000000a1';
const job = (overrides: Partial<TrainingJobRecord> = {}): TrainingJobRecord => ({
  id: JOB,
  lineId: 'pcb-1',
  datasetVersionId: '00000000-0000-4000-8000-0000000000b1',
  baseModelVersionId: '00000000-0000-4000-8000-0000000000c1',
  baseArtifactKey: 'models/pcb/1.0.0',
  triggers: [{ kind: 'new-labels', reason: '40 frames labelled since the last job' }],
  requestedBy: 'policy',
  epochs: 8,
  seed: 1,
  status: 'running',
  attempt: 2,
  workerId: 'host-1',
  cancelRequested: false,
  progress: { phase: 'training', step: 30, totalSteps: 80, losses: { total: 1.5 }, validationAp: 0.4, etaSeconds: 90, message: null },
  progressAt: new Date('2026-12-07T10:00:05.000Z'),
  outcome: null,
  candidateModelVersionId: null,
  gatesPassed: null,
  announcedAt: new Date('2026-12-07T10:00:00.000Z'),
  createdAt: new Date('2026-12-07T09:59:59.000Z'),
  startedAt: new Date('2026-12-07T10:00:01.000Z'),
  finishedAt: null,
  ...overrides,
});
const lines = strictMock<ConstructorParameters<typeof TrainingJobsUseCase>[0]>('lines', {
  findLine: jest.fn(async (id: string) => (id === 'pcb-1' ? ({ id } as never) : null)),
});
const now = () => new Date('2026-12-07T10:01:00.000Z');

describe('TrainingJobsUseCase', () => {
  it('cancels a running job, audits who asked, and answers the job as it now is', async () => {
    let cancelled = false;
    const jobs = strictMock<ConstructorParameters<typeof TrainingJobsUseCase>[1]>('jobs', {
      find: jest.fn(async () => job({ cancelRequested: cancelled })),
      requestCancel: jest.fn(async () => (cancelled = true)),
    });
    const audit = strictMock<ConstructorParameters<typeof TrainingJobsUseCase>[2]>('audit', { append: jest.fn(async () => ({}) as never) });
    const view = await new TrainingJobsUseCase(lines, jobs, audit, strictMock('bus', {}), now).cancel(JOB, 'ana');
    expect(view).toMatchObject({
      id: JOB,
      status: 'running',
      cancelRequested: true,
      progress: { phase: 'training', step: 30, at: '2026-12-07T10:00:05.000Z' },
    });
    expect(audit.append).toHaveBeenCalledWith({
      actor: 'ana',
      action: 'training-job.cancel-requested',
      subjectType: 'training_job',
      subjectId: JOB,
      before: { status: 'running', cancelRequested: false },
      after: { cancelRequested: true },
    });
  });

  it('answers training-job.ended (409) for a job that ended, and not-found for none, auditing nothing', async () => {
    const ended = job({ status: 'completed', outcome: { status: 'completed', durationMs: 1000, gates: { reasons: [] } } });
    const jobs = strictMock<ConstructorParameters<typeof TrainingJobsUseCase>[1]>('jobs', {
      find: jest.fn(async (id: string) => (id === JOB ? ended : null)),
      requestCancel: jest.fn(async () => false),
    });
    const audit = strictMock<ConstructorParameters<typeof TrainingJobsUseCase>[2]>('audit', { append: jest.fn() });
    const useCase = new TrainingJobsUseCase(lines, jobs, audit, strictMock('bus', {}), now);
    await expect(useCase.cancel(JOB, 'ana')).rejects.toMatchObject({ code: 'training-job.ended', details: { status: 'completed' } });
    await expect(useCase.cancel('00000000-0000-4000-8000-0000000000ff', 'ana')).rejects.toMatchObject({ code: 'not-found' });
    expect(audit.append).not.toHaveBeenCalled();
  });

  it('publishes a manual trigger keyed by line and audits it; an unknown line publishes nothing', async () => {
    const bus = strictMock<ConstructorParameters<typeof TrainingJobsUseCase>[3]>('bus', { publish: jest.fn(async () => undefined) });
    const audit = strictMock<ConstructorParameters<typeof TrainingJobsUseCase>[2]>('audit', { append: jest.fn(async () => ({}) as never) });
    const useCase = new TrainingJobsUseCase(lines, strictMock('jobs', {}), audit, bus, now);
    const request = await useCase.trigger('pcb-1', 'ana', 'pin-hole corrections');
    const [topic, event] = (bus.publish as jest.Mock).mock.calls[0];
    expect(topic).toBe(Topics.trainingTriggerRequested);
    expect(Topics.trainingTriggerRequested.schema.parse(event)).toMatchObject({ ...request, occurredAt: '2026-12-07T10:01:00.000Z' });
    expect(audit.append).toHaveBeenCalledWith(
      expect.objectContaining({
        actor: 'ana',
        action: 'training-job.trigger-requested',
        subjectId: 'pcb-1',
        after: { requestId: request.requestId, reason: 'pin-hole corrections' },
      }),
    );
    await expect(useCase.trigger('nowhere', 'ana', 'x')).rejects.toBeInstanceOf(DomainError);
    expect(bus.publish).toHaveBeenCalledTimes(1);
  });
});
