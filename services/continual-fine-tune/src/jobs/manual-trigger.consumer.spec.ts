import { Topics, type TrainingTriggerRequestedV1 } from '@argus/contracts';
import { NonRetryableError } from '@argus/messaging';
import { strictMock } from '@argus/platform/testing';
import { JobAlreadyActiveError, NoProductionModelError } from '../continual.errors';
import { ManualTriggerHandler } from './manual-trigger.consumer';
import type { RequestTrainingJobUseCase } from './request-training-job.use-case';

const JOB = '00000000-0000-4000-8000-0000000000a1';
const request: TrainingTriggerRequestedV1 = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000Z',
  requestId: '00000000-0000-4000-8000-0000000000d1',
  lineId: 'pcb-1',
  requestedBy: 'ana',
  reason: 'many pin-hole corrections this morning',
};
const now = () => new Date('2026-12-07T10:00:01.000Z');

function bus() {
  return strictMock<{ publish: jest.Mock }>('bus', { publish: jest.fn(async () => undefined) });
}

describe('ManualTriggerHandler', () => {
  it('asks for a job with a manual trigger and answers accepted with the job', async () => {
    const requests = strictMock<Pick<RequestTrainingJobUseCase, 'request'>>('requests', {
      request: jest.fn(async () => ({ job: { id: JOB } }) as Awaited<ReturnType<RequestTrainingJobUseCase['request']>>),
    });
    const b = bus();
    await new ManualTriggerHandler(requests, b, now).handle(request);
    expect(requests.request).toHaveBeenCalledWith({
      lineId: 'pcb-1',
      triggers: [{ kind: 'manual', reason: 'many pin-hole corrections this morning' }],
      requestedBy: 'ana',
    });
    const [topic, answer] = b.publish.mock.calls[0];
    expect(topic).toBe(Topics.trainingTriggerAnswered);
    expect(Topics.trainingTriggerAnswered.schema.parse(answer)).toMatchObject({
      requestId: request.requestId,
      lineId: 'pcb-1',
      requestedBy: 'ana',
      outcome: 'accepted',
      jobId: JOB,
      errorCode: null,
    });
  });

  it('passes the new-line wizard’s adaptation on to the job request', async () => {
    const requests = strictMock<Pick<RequestTrainingJobUseCase, 'request'>>('requests', {
      request: jest.fn(async () => ({ job: { id: JOB } }) as Awaited<ReturnType<RequestTrainingJobUseCase['request']>>),
    });
    const adaptation = { start: 'finetune' as const, baseModelVersionId: JOB, shotFrameIds: [JOB], budgetSeconds: 120 };
    await new ManualTriggerHandler(requests, bus(), now).handle({ ...request, adaptation });
    expect(requests.request).toHaveBeenCalledWith(expect.objectContaining({ lineId: 'pcb-1', adaptation }));
  });

  it('answers a refusal with its code and reason, then dead-letters the request with that reason', async () => {
    const b = bus();
    const refusing = (error: Error) =>
      new ManualTriggerHandler(
        strictMock<Pick<RequestTrainingJobUseCase, 'request'>>('requests', {
          request: jest.fn(async () => {
            throw error;
          }),
        }),
        b,
        now,
      );
    const noModel = refusing(new NoProductionModelError('pcb-1')).handle(request);
    await expect(noModel).rejects.toBeInstanceOf(NonRetryableError);
    await expect(noModel).rejects.toMatchObject({ code: 'training-job.no-production-model' });
    expect(Topics.trainingTriggerAnswered.schema.parse(b.publish.mock.calls[0][1])).toMatchObject({
      outcome: 'refused',
      jobId: null,
      errorCode: 'training-job.no-production-model',
      reason: 'line pcb-1 has no production model to fine-tune',
    });

    await expect(refusing(new JobAlreadyActiveError('pcb-1', JOB)).handle(request)).rejects.toBeInstanceOf(NonRetryableError);
    expect(b.publish.mock.calls[1][1]).toMatchObject({ outcome: 'refused', jobId: JOB, errorCode: 'training-job.already-active' });
  });

  it('throws any other failure as it is, unanswered, so the bus retries the delivery', async () => {
    const b = bus();
    const handler = new ManualTriggerHandler(
      strictMock<Pick<RequestTrainingJobUseCase, 'request'>>('requests', {
        request: jest.fn(async () => {
          throw new Error('connection refused');
        }),
      }),
      b,
      now,
    );
    await expect(handler.handle(request)).rejects.toThrow('connection refused');
    await expect(handler.handle(request)).rejects.not.toBeInstanceOf(NonRetryableError);
    expect(b.publish).not.toHaveBeenCalled();
  });
});
