import { SearchError, SearchErrorCodes } from '../search.errors';
import type { SearchObjective } from '../search.types';

/** Why an objective cannot score, or an empty list. */
export function objectiveIssues(objective: SearchObjective): string[] {
  const issues: string[] = [];
  if (!(Number.isFinite(objective.targetMs) && objective.targetMs > 0))
    issues.push(`targetMs must be a positive number of milliseconds, got ${objective.targetMs}`);
  if (!Number.isFinite(objective.alpha)) issues.push(`alpha must be a finite number, got ${objective.alpha}`);
  if (!Number.isFinite(objective.beta)) issues.push(`beta must be a finite number, got ${objective.beta}`);
  if (!(Number.isInteger(objective.servingBatch) && objective.servingBatch >= 1))
    issues.push(`servingBatch must be a positive integer, got ${objective.servingBatch}`);
  if (!(Number.isInteger(objective.servingThreads) && objective.servingThreads >= 1))
    issues.push(`servingThreads must be a positive integer, got ${objective.servingThreads}`);
  return issues;
}

export function assertObjective(objective: SearchObjective): void {
  const issues = objectiveIssues(objective);
  if (issues.length > 0)
    throw new SearchError(SearchErrorCodes.invalidObjective, `invalid search objective: ${issues.join('; ')}`, { issues });
}

/**
 * MnasNet's multi-objective reward (Tan et al. 2019, eq. 2): `AP × (latency / targetMs)^w`, with
 * `w = alpha` while the latency is within the target and `w = beta` beyond it. MnasNet's soft
 * constraint is alpha = beta = −0.07 (a model twice as fast is worth ~5% more AP); alpha = 0,
 * beta = −1 makes the target a hard-ish ceiling.
 */
export function searchReward(ap: number, latencyMs: number, objective: SearchObjective): number {
  assertObjective(objective);
  if (!(Number.isFinite(ap) && ap >= 0 && ap <= 1)) {
    throw new SearchError(SearchErrorCodes.invalidMeasurement, `AP must be a number from 0 to 1, got ${ap}`, { ap });
  }
  if (!(Number.isFinite(latencyMs) && latencyMs > 0)) {
    throw new SearchError(SearchErrorCodes.invalidMeasurement, `latency must be a positive number of milliseconds, got ${latencyMs}`, {
      latencyMs,
    });
  }
  const w = latencyMs <= objective.targetMs ? objective.alpha : objective.beta;
  return ap * Math.pow(latencyMs / objective.targetMs, w);
}
