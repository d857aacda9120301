import { Topics, type TrainingTriggerAnsweredV1, type TrainingTriggerRequestedV1 } from '@argus/contracts';
import { deterministicEventId, type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { ContinualError, JobAlreadyActiveError } from '../continual.errors';
import type { RequestTrainingJobUseCase } from './request-training-job.use-case';

export const MANUAL_TRIGGERS_GROUP_ID = 'continual-fine-tune.manual-triggers';

/**
 * A manual trigger (`training.job.trigger-requested.v1`, from the console's "trigger now", or its
 * new-line wizard's "adapt" when the request carries an adaptation) becomes a job with a `manual`
 * trigger. Either way the asker gets an answer on
 * `training.job.trigger-answered.v1`: the queued job, or the refusal's code and reason (no
 * production model, a job already active, nothing labelled). A refused request is also
 * dead-lettered with that reason: asking again cannot change the line's state, and the request
 * is kept, not acknowledged into oblivion. Failures around it (Postgres, S3, Kafka) are thrown
 * so the bus retries the delivery.
 */
export class ManualTriggerHandler {
  constructor(
    private readonly requests: Pick<RequestTrainingJobUseCase, 'request'>,
    private readonly bus: Pick<MessageBus, 'publish'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async handle(event: TrainingTriggerRequestedV1): Promise<void> {
    let job: { id: string };
    try {
      ({ job } = await this.requests.request({
        lineId: event.lineId,
        triggers: [{ kind: 'manual', reason: event.reason }],
        requestedBy: event.requestedBy,
        ...(event.adaptation ? { adaptation: event.adaptation } : {}),
      }));
    } catch (error) {
      if (!(error instanceof ContinualError)) throw error;
      await this.answer(event, {
        outcome: 'refused',
        jobId: error instanceof JobAlreadyActiveError ? error.activeJobId : null,
        errorCode: error.code,
        reason: error.message,
      });
      throw new NonRetryableError(error.message, { code: error.code, cause: error });
    }
    await this.answer(event, { outcome: 'accepted', jobId: job.id, errorCode: null, reason: `job ${job.id} queued` });
  }

  private async answer(
    event: TrainingTriggerRequestedV1,
    answer: Pick<TrainingTriggerAnsweredV1, 'outcome' | 'jobId' | 'errorCode' | 'reason'>,
  ): Promise<void> {
    await this.bus.publish(Topics.trainingTriggerAnswered, {
      // One answer per request: a redelivered request's answer carries the same id.
      eventId: deterministicEventId('training-trigger-answered', event.requestId, answer.outcome),
      occurredAt: this.now().toISOString(),
      requestId: event.requestId,
      lineId: event.lineId,
      requestedBy: event.requestedBy,
      ...answer,
    });
  }
}

/** Consumes `training.job.trigger-requested.v1` in the deployment's group (one request at a time per line: keyed by line). */
export async function subscribeManualTriggers(
  bus: MessageBus,
  handler: ManualTriggerHandler,
  groupId: string = MANUAL_TRIGGERS_GROUP_ID,
): Promise<Subscription> {
  return bus.subscribe(Topics.trainingTriggerRequested, {
    groupId,
    retry: { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 5_000 },
    handler: (event) => handler.handle(event),
  });
}
