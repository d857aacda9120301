import { randomUUID } from 'node:crypto';
import { Topics } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import type { AuditLogRepository, LineRepository, TrainingJobRepository } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { ConsoleErrorCodes } from '../console.errors';
import { toTrainingJobView, type TrainingJobView } from './training-job.presenter';

/** The audit actions of the jobs page. */
export const TrainingAuditActions = {
  cancelRequested: 'training-job.cancel-requested',
  triggerRequested: 'training-job.trigger-requested',
} as const;

/** What "trigger now" answers: the request is on its way; its answer comes on the jobs stream. */
export interface TriggerRequestView {
  readonly requestId: string;
  readonly lineId: string;
  readonly requestedBy: string;
  readonly reason: string;
}

/**
 * The jobs page's reads and actions. Cancel marks the job in the ledger (the trainer stops at its
 * next step); "trigger now" publishes `training.job.trigger-requested.v1` for continual-fine-tune
 * (services talk over Kafka only), whose answer — a queued job or the refusal's reason — comes
 * back on `training.job.trigger-answered.v1` and the jobs stream. Both are audited.
 */
export class TrainingJobsUseCase {
  constructor(
    private readonly lines: Pick<LineRepository, 'findLine'>,
    private readonly jobs: Pick<TrainingJobRepository, 'listForLine' | 'find' | 'requestCancel'>,
    private readonly audit: Pick<AuditLogRepository, 'append'>,
    private readonly bus: Pick<MessageBus, 'publish'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The line's jobs, newest first. */
  async list(lineId: string, limit: number): Promise<TrainingJobView[]> {
    await this.requireLine(lineId);
    return (await this.jobs.listForLine(lineId, { limit })).map(toTrainingJobView);
  }

  async detail(jobId: string): Promise<TrainingJobView> {
    return toTrainingJobView(await this.requireJob(jobId));
  }

  /** Asks a queued or running job to stop; a job that ended answers `training-job.ended` (409). */
  async cancel(jobId: string, by: string): Promise<TrainingJobView> {
    const before = await this.requireJob(jobId);
    if (!(await this.jobs.requestCancel(jobId))) {
      const ended = (await this.jobs.find(jobId)) ?? before;
      throw new DomainError(ConsoleErrorCodes.trainingJobEnded, `training job ${jobId} has ended (${ended.status}): nothing to cancel`, {
        status: ended.status,
      });
    }
    await this.audit.append({
      actor: by,
      action: TrainingAuditActions.cancelRequested,
      subjectType: 'training_job',
      subjectId: jobId,
      before: { status: before.status, cancelRequested: before.cancelRequested },
      after: { cancelRequested: true },
    });
    return toTrainingJobView(await this.requireJob(jobId));
  }

  /** Publishes a manual trigger for the line; continual-fine-tune decides (and answers) whether a job is queued. */
  async trigger(lineId: string, by: string, reason: string): Promise<TriggerRequestView> {
    await this.requireLine(lineId);
    const request: TriggerRequestView = { requestId: randomUUID(), lineId, requestedBy: by, reason };
    await this.bus.publish(Topics.trainingTriggerRequested, { eventId: randomUUID(), occurredAt: this.now().toISOString(), ...request });
    await this.audit.append({
      actor: by,
      action: TrainingAuditActions.triggerRequested,
      subjectType: 'production_line',
      subjectId: lineId,
      after: { requestId: request.requestId, reason },
    });
    return request;
  }

  private async requireLine(lineId: string): Promise<void> {
    if (!(await this.lines.findLine(lineId))) throw new DomainError(CommonErrorCodes.notFound, `line "${lineId}" does not exist`);
  }

  private async requireJob(jobId: string) {
    const job = await this.jobs.find(jobId);
    if (!job) throw new DomainError(CommonErrorCodes.notFound, `training job ${jobId} does not exist`);
    return job;
  }
}
