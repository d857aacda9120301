import type { Logger } from '@argus/platform';
import { JobAlreadyActiveError } from '../continual.errors';
import type { RequestTrainingJobUseCase } from '../jobs/request-training-job.use-case';
import type { LabelledListener } from '../labels/record-review-label.use-case';
import type { LineLearningStateReader, TriggerPolicySource } from './line-triggers.ports';
import { evaluateTriggers, type FiredTrigger } from './trigger-policy';

/**
 * Evaluates a line's fine-tune policy after each label and on a timer (the schedule and drift
 * rules fire without new labels), and asks for a job when a rule fires; the job records why.
 */
export class EvaluateLineTriggersUseCase implements LabelledListener {
  constructor(
    private readonly state: LineLearningStateReader,
    private readonly policies: TriggerPolicySource,
    private readonly requests: RequestTrainingJobUseCase,
    private readonly logger: Pick<Logger, 'info'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async labelled(lineId: string): Promise<void> {
    await this.evaluate(lineId);
  }

  /** The rules that fired and the job asked for, or null when nothing fired. */
  async evaluate(lineId: string): Promise<{ fired: readonly FiredTrigger[]; jobId: string | null } | null> {
    const policy = await this.policies.policyFor(lineId);
    const state = await this.state.learningState(lineId, this.now(), policy);
    if (!state) return null;
    const fired = evaluateTriggers(policy, state);
    if (fired.length === 0) return null;
    try {
      const { job, dataset } = await this.requests.request({ lineId, triggers: fired, requestedBy: 'policy' });
      this.logger.info(
        { lineId, jobId: job.id, datasetVersion: dataset.number, triggers: fired.map((t) => t.kind) },
        `fine-tune job requested: ${fired.map((t) => t.reason).join('; ')}`,
      );
      return { fired, jobId: job.id };
    } catch (error) {
      // Another evaluation (a concurrent label, the timer) asked first: the line has its job.
      if (error instanceof JobAlreadyActiveError) return { fired, jobId: error.activeJobId };
      throw error;
    }
  }

  /** Every line with a production model; returns how many asked for a job. */
  async evaluateAll(): Promise<number> {
    let requested = 0;
    for (const lineId of await this.state.linesWithProductionModel()) {
      if ((await this.evaluate(lineId))?.jobId) requested++;
    }
    return requested;
  }
}
