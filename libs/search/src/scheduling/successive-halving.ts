import { SearchError, SearchErrorCodes } from '../search.errors';
import type { ProxyBudget } from '../search.types';

/** A trial's completed evaluation at one rung. */
export interface RungResult {
  readonly trialId: string;
  readonly sequence: number;
  readonly rung: number;
  readonly reward: number;
}

export interface Promotion {
  readonly trialId: string;
  readonly sequence: number;
  /** The rung it completed; it is to be trained at `fromRung + 1`. */
  readonly fromRung: number;
}

/** Why rungs cannot drive successive halving, or an empty list: rung r at index r, each trained at least as long as the one before. */
export function rungIssues(rungs: readonly ProxyBudget[], eta: number): string[] {
  const issues: string[] = [];
  if (rungs.length === 0) issues.push('rungs needs at least one proxy budget');
  if (!(Number.isFinite(eta) && eta > 1)) issues.push(`eta must be a number above 1, got ${eta}`);
  rungs.forEach((budget, r) => {
    if (budget.rung !== r) issues.push(`rungs[${r}].rung must be ${r}, got ${budget.rung}`);
    for (const field of ['epochs', 'trainImages', 'cropsPerImage'] as const) {
      if (!(Number.isInteger(budget[field]) && budget[field] >= 1))
        issues.push(`rungs[${r}].${field} must be a positive integer, got ${budget[field]}`);
    }
    const previous = rungs[r - 1];
    if (
      previous &&
      budget.epochs * budget.trainImages * budget.cropsPerImage < previous.epochs * previous.trainImages * previous.cropsPerImage
    ) {
      issues.push(`rungs[${r}] trains less than rungs[${r - 1}]: a higher rung must train at least as long`);
    }
  });
  return issues;
}

/**
 * Proxy budgets for successive halving: rung r trains `eta^r` times as many epochs as rung 0, on the same images and crops.
 */
export function geometricRungs(rung0: Omit<ProxyBudget, 'rung'>, count: number, eta: number): ProxyBudget[] {
  if (!(Number.isInteger(count) && count >= 1))
    throw new SearchError(SearchErrorCodes.invalidSettings, `a rung count must be a positive integer, got ${count}`);
  return Array.from({ length: count }, (_, r) => ({ ...rung0, rung: r, epochs: Math.max(1, Math.round(rung0.epochs * Math.pow(eta, r))) }));
}

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020, Algorithm 2): a trial that completed rung r
 * may go on to rung r + 1 as soon as it is among the top ⌊n_r / η⌋ of the n_r results completed at
 * rung r so far (by reward) and was not promoted from r already. No rung waits for a full cohort, so
 * every free worker has work. Returned in the order ASHA hands them out: the highest rung first, then
 * by reward (ties: the earlier trial).
 *
 * `promoted` holds `promotionKey(trialId, rung)` for every trial already sent on from `rung`.
 */
export function ashaPromotions(results: readonly RungResult[], promoted: ReadonlySet<string>, rungCount: number, eta: number): Promotion[] {
  const promotions: Promotion[] = [];
  for (let rung = rungCount - 2; rung >= 0; rung--) {
    const atRung = results.filter((result) => result.rung === rung).sort((a, b) => b.reward - a.reward || a.sequence - b.sequence);
    const top = atRung.slice(0, Math.floor(atRung.length / eta));
    for (const result of top) {
      if (!promoted.has(promotionKey(result.trialId, rung)))
        promotions.push({ trialId: result.trialId, sequence: result.sequence, fromRung: rung });
    }
  }
  return promotions;
}

export function promotionKey(trialId: string, fromRung: number): string {
  return `${trialId}@${fromRung}`;
}
