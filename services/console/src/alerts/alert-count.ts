/**
 * How many alerts a filter matches, as the queue and the dashboard show it: exact up to
 * `EXACT_COUNT_LIMIT` (a count that stops there is cheap on any table), past it the planner's
 * estimate, marked as one (counting a large backlog exactly would cost a scan per refresh).
 */
export interface AlertCount {
  readonly count: number;
  /** False when `count` is an estimate (more than `EXACT_COUNT_LIMIT` match). */
  readonly exact: boolean;
}

export const EXACT_COUNT_LIMIT = 10_000;

export interface CountSource {
  /** min(matching, upTo). */
  count(upTo: number): Promise<number>;
  /** A fast estimate of how many match. */
  estimate(): Promise<number>;
}

export async function countOrEstimate(source: CountSource, limit: number = EXACT_COUNT_LIMIT): Promise<AlertCount> {
  const counted = await source.count(limit + 1);
  return counted <= limit ? { count: counted, exact: true } : estimated(await source.estimate(), limit);
}

/** An estimate past the limit: never below what was counted, rounded to three significant digits. */
export function estimated(estimate: number, limit: number = EXACT_COUNT_LIMIT): AlertCount {
  const atLeast = Math.max(limit + 1, Math.round(estimate));
  const step = 10 ** Math.max(0, Math.floor(Math.log10(atLeast)) - 2);
  return { count: Math.max(limit + 1, Math.round(atLeast / step) * step), exact: false };
}
