import type { LineLearningState, TriggerPolicy } from './trigger-policy';

/** What the triggers read of a line (Postgres in the service). */
export interface LineLearningStateReader {
  /** Null when the line has no production model: there is nothing to fine-tune. */
  learningState(lineId: string, now: Date, policy: TriggerPolicy): Promise<LineLearningState | null>;
  /** Lines with a production model: the periodic evaluation (schedule, drift) visits these. */
  linesWithProductionModel(): Promise<readonly string[]>;
}

/** A line's trigger policy: the service defaults with the line's own settings over them. */
export interface TriggerPolicySource {
  policyFor(lineId: string): Promise<TriggerPolicy>;
}
