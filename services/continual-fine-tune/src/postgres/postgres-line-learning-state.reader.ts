import type { LineLearningStateQuery } from '@argus/persistence';
import type { LineLearningStateReader } from '../triggers/line-triggers.ports';
import type { LineLearningState, TriggerPolicy } from '../triggers/trigger-policy';

export interface LearningStateReaderSettings {
  /**
   * Frames read on each side of the last job for the score-shift rule (at least the policy's
   * `minFrames`): enough for a stable KS distance, bounded so the read does not grow with the line.
   */
  readonly scoreFramesPerSide: number;
}

/** What the triggers read of a line, from Postgres; reads only what the line's policy uses. */
export class PostgresLineLearningStateReader implements LineLearningStateReader {
  constructor(
    private readonly query: Pick<LineLearningStateQuery, 'stateOf' | 'linesWithProductionModel'>,
    private readonly settings: LearningStateReaderSettings = { scoreFramesPerSide: 1000 },
  ) {}

  async learningState(lineId: string, now: Date, policy: TriggerPolicy): Promise<LineLearningState | null> {
    const state = await this.query.stateOf(lineId, {
      decisions: policy.rejectRate?.window ?? 0,
      scoreFrames: policy.scoreShift ? Math.max(policy.scoreShift.minFrames, this.settings.scoreFramesPerSide) : null,
    });
    return state && { now, ...state };
  }

  linesWithProductionModel(): Promise<readonly string[]> {
    return this.query.linesWithProductionModel();
  }
}
