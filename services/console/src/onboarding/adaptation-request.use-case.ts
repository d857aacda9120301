import { randomUUID } from 'node:crypto';
import { type TrainingAdaptation, Topics } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import type { AuditLogRepository, ModelRegistryRepository } from '@argus/persistence';
import { DomainError } from '@argus/platform';
import { NewLineAuditActions } from './new-line.audit';
import { NewLineErrorCodes } from './new-line.errors';
import type { OnboardingSetUseCase } from './onboarding-set.use-case';

export type AdaptStart = TrainingAdaptation['start'];

export interface AdaptationSettings {
  /** The wizard's default start (ARGUS_CONSOLE_ADAPT_START): whichever won `npm run bench:fewshot`. */
  readonly defaultStart: AdaptStart;
  /** The default wall-clock budget of an adaptation, in seconds. */
  readonly budgetSeconds: number;
}

export interface AdaptationCommand {
  readonly start?: AdaptStart;
  readonly baseModelVersionId: string;
  /** Frames of the onboarding set, labelled: they train. The set's other labelled frames evaluate. */
  readonly shotFrameIds: readonly string[];
  readonly budgetSeconds?: number;
}

/** What "adapt" answers: the request is on its way; its job and progress come on the jobs stream. */
export interface AdaptationRequestView {
  readonly requestId: string;
  readonly lineId: string;
  readonly start: AdaptStart;
  readonly baseModelVersionId: string;
  readonly shotFrameIds: readonly string[];
  readonly evaluationFrameIds: readonly string[];
  readonly budgetSeconds: number;
}

/**
 * "Adapt" in the wizard: checks what the console can see — the base is registered, every shot is a
 * labelled frame of the onboarding set, at least one other labelled frame is left to evaluate on —
 * then publishes `training.job.trigger-requested.v1` with the adaptation. continual-fine-tune
 * freezes the line's labels into a data set version, records the job and announces it to the
 * trainer worker group (services talk over Kafka only); its answer — the queued job or why not —
 * comes back on `training.job.trigger-answered.v1` and the jobs stream, as for "trigger now".
 */
export class AdaptationRequestUseCase {
  constructor(
    private readonly onboarding: Pick<OnboardingSetUseCase, 'items'>,
    private readonly registry: Pick<ModelRegistryRepository, 'findVersion'>,
    private readonly audit: Pick<AuditLogRepository, 'append'>,
    private readonly bus: Pick<MessageBus, 'publish'>,
    private readonly settings: AdaptationSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async request(lineId: string, command: AdaptationCommand, by: string): Promise<AdaptationRequestView> {
    // items() answers 404 for a line that does not exist.
    const items = await this.onboarding.items(lineId);
    const base = await this.registry.findVersion(command.baseModelVersionId);
    if (!base) throw new DomainError(NewLineErrorCodes.baseModelInvalid, `model version ${command.baseModelVersionId} is not registered`);
    const labelled = new Set(items.filter((i) => i.labelled).map((i) => i.frameId));
    const shots = [...new Set(command.shotFrameIds)];
    const unlabelled = shots.filter((id) => !labelled.has(id));
    if (unlabelled.length > 0) {
      throw new DomainError(
        NewLineErrorCodes.shotNotLabelled,
        `${unlabelled.length} shot(s) are not labelled frames of line "${lineId}"'s onboarding set: ${unlabelled.slice(0, 5).join(', ')}`,
        { frameIds: unlabelled },
      );
    }
    const evaluation = [...labelled].filter((id) => !shots.includes(id));
    if (evaluation.length === 0) {
      throw new DomainError(
        NewLineErrorCodes.noEvaluationFrames,
        `every labelled frame of line "${lineId}" is a shot: label at least one more frame to evaluate the adaptation on`,
      );
    }
    const adaptation = {
      start: command.start ?? this.settings.defaultStart,
      baseModelVersionId: base.id,
      shotFrameIds: shots,
      budgetSeconds: command.budgetSeconds ?? this.settings.budgetSeconds,
    };
    const requestId = randomUUID();
    const reason = `new-line wizard: adapt ${base.name}@${base.version} (${adaptation.start}) from ${shots.length} shot(s), evaluated on ${evaluation.length} frame(s)`;
    await this.bus.publish(Topics.trainingTriggerRequested, {
      eventId: randomUUID(),
      occurredAt: this.now().toISOString(),
      requestId,
      lineId,
      requestedBy: by,
      reason,
      adaptation,
    });
    await this.audit.append({
      actor: by,
      action: NewLineAuditActions.adaptationRequested,
      subjectType: 'production_line',
      subjectId: lineId,
      after: { requestId, ...adaptation, evaluationFrames: evaluation.length },
    });
    return { requestId, lineId, ...adaptation, evaluationFrameIds: evaluation };
  }
}
