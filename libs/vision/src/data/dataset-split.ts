import { hashStringWithSeed } from './seeded-random';

export interface TrainValidationSplitOptions<T> {
  readonly seed: number;
  /** Share of samples for validation, in [0, 1). */
  readonly validationFraction: number;
  /**
   * Stratum of a sample: each stratum gives the same share to validation. Default: the sample's
   * `group` (DeepPCB board group, production line); pass `() => ''` for no stratification.
   */
  readonly stratum?: (sample: T) => string;
}

export interface TrainValidationSplit<T> {
  readonly train: T[];
  readonly validation: T[];
}

/**
 * A deterministic train/validation split. A sample's side depends only on the seed, its id and
 * its stratum's size, not on the input order; each stratum contributes its share (largest
 * remainders settle the rounding so the total is round(n × fraction)). Adding samples later moves
 * few of the old ones, so a validation set stays comparable as a data set grows.
 */
export function splitTrainValidation<T extends { readonly id: string; readonly group?: string }>(
  samples: readonly T[],
  options: TrainValidationSplitOptions<T>,
): TrainValidationSplit<T> {
  const { seed, validationFraction: fraction } = options;
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validationFraction must be in [0, 1), got ${fraction}`);
  const ids = new Set<string>();
  for (const s of samples) {
    if (ids.has(s.id)) throw new RangeError(`duplicate sample id "${s.id}": a split needs unique ids`);
    ids.add(s.id);
  }
  const stratumOf = options.stratum ?? ((s: T) => s.group ?? '');
  const strata = new Map<string, number[]>();
  samples.forEach((s, index) => {
    const key = stratumOf(s);
    const members = strata.get(key) ?? [];
    members.push(index);
    strata.set(key, members);
  });

  // Quotas: floor of each stratum's share, then the remainder to the largest fractional parts.
  const keys = [...strata.keys()].sort();
  const quota = new Map<string, number>();
  const remainders: { key: string; rest: number }[] = [];
  let assigned = 0;
  for (const key of keys) {
    const exact = (strata.get(key)?.length ?? 0) * fraction;
    quota.set(key, Math.floor(exact));
    assigned += Math.floor(exact);
    remainders.push({ key, rest: exact - Math.floor(exact) });
  }
  remainders.sort((a, b) => b.rest - a.rest || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const target = Math.round(samples.length * fraction);
  for (let i = 0; assigned < target && i < remainders.length; i++) {
    const key = (remainders[i] as { key: string }).key;
    quota.set(key, (quota.get(key) ?? 0) + 1);
    assigned++;
  }

  const inValidation = new Set<number>();
  for (const key of keys) {
    const ranked = (strata.get(key) ?? [])
      .map((index) => {
        const id = (samples[index] as T).id;
        return { index, id, rank: hashStringWithSeed(id, seed) };
      })
      .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const r of ranked.slice(0, quota.get(key) ?? 0)) inValidation.add(r.index);
  }
  const train: T[] = [];
  const validation: T[] = [];
  samples.forEach((s, index) => (inValidation.has(index) ? validation : train).push(s));
  return { train, validation };
}
