import { createHash } from 'node:crypto';
import type { LabelledSample } from '../data/sample';
import { hashStringWithSeed } from '../data/seeded-random';

export interface ExemplarSelection {
  /** The chosen samples' ids, in the order they were chosen. References, not copies. */
  readonly ids: readonly string[];
  /** Boxes per class in the chosen set (what the rule balances). */
  readonly boxesPerClass: Readonly<Record<string, number>>;
  /** sha256 over the rule, its budget and seed, and the chosen ids: recorded in a fine-tuned model's lineage. */
  readonly fingerprint: string;
  readonly rule: typeof EXEMPLAR_RULE;
}

export const EXEMPLAR_RULE = 'class-balanced-greedy-coverage';

/**
 * Picks a rehearsal set of at most `budget` samples from a parent's training data, balanced over
 * `classes` (the parent's) — the rule is **class-balanced greedy coverage**:
 *
 *   repeat until the budget is spent or no sample is left:
 *     c ← the class with the fewest boxes in the chosen set so far, among classes some remaining
 *         sample still has (ties: the class listed first);
 *     pick the remaining sample with the most boxes of c (ties: a seeded hash of its id);
 *
 * Why this rule: detection frames hold several boxes of several classes, so per-class reservoirs
 * over frames overshoot the common classes; herding needs features from the model, which a
 * reference set chosen before training does not have. Filling the least-covered class first keeps
 * rare defects in rehearsal even when they appear in a handful of frames, and the whole choice is a
 * pure function of the data, the budget and the seed (so a fine-tune can be reproduced from its
 * lineage). Samples with no box of any listed class are never chosen.
 */
export function selectExemplars(
  samples: readonly LabelledSample[],
  classes: readonly string[],
  budget: number,
  seed: number,
): ExemplarSelection {
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`exemplar budget must be a whole number ≥ 0, got ${budget}`);
  const ids = new Set<string>();
  for (const sample of samples) {
    if (ids.has(sample.id)) throw new RangeError(`sample id ${sample.id} appears twice; exemplars are chosen by id`);
    ids.add(sample.id);
  }
  const counts = samples.map((sample) => classes.map((name) => sample.boxes.filter((box) => box.className === name).length));
  const tieBreak = samples.map((sample) => hashStringWithSeed(sample.id, seed));
  const remaining = new Set(samples.map((_, i) => i).filter((i) => (counts[i] as number[]).some((n) => n > 0)));
  const covered = classes.map(() => 0);
  const chosen: number[] = [];
  while (chosen.length < budget && remaining.size > 0) {
    let target = -1;
    for (let c = 0; c < classes.length; c++) {
      if (
        (target === -1 || (covered[c] as number) < (covered[target] as number)) &&
        [...remaining].some((i) => ((counts[i] as number[])[c] as number) > 0)
      ) {
        target = c;
      }
    }
    let best = -1;
    for (const i of remaining) {
      const n = (counts[i] as number[])[target] as number;
      if (n === 0) continue;
      const bestN = best === -1 ? -1 : ((counts[best] as number[])[target] as number);
      if (n > bestN || (n === bestN && (tieBreak[i] as number) < (tieBreak[best] as number))) best = i;
    }
    chosen.push(best);
    remaining.delete(best);
    (counts[best] as number[]).forEach((n, c) => (covered[c] = (covered[c] as number) + n));
  }
  const chosenIds = chosen.map((i) => (samples[i] as LabelledSample).id);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ rule: EXEMPLAR_RULE, budget, seed, classes, ids: chosenIds }))
    .digest('hex');
  return {
    ids: chosenIds,
    boxesPerClass: Object.fromEntries(classes.map((name, c) => [name, covered[c] as number])),
    fingerprint,
    rule: EXEMPLAR_RULE,
  };
}

export interface ReplayMix<T> {
  /** The new samples and the exemplars, each repeated so the exemplars make up about `replayShare` of it. */
  readonly samples: readonly T[];
  readonly freshRepeats: number;
  readonly replayRepeats: number;
  /** The exemplars' actual share of `samples`. */
  readonly replayShare: number;
}

/**
 * Mixes new data with rehearsal exemplars at a set ratio: whichever side is short is repeated a
 * whole number of times (the trainer's random crops and augmentation make repeats differ), so
 * every epoch shows the exemplars as about `replayShare` of its images.
 */
export function mixReplay<T>(fresh: readonly T[], replay: readonly T[], replayShare: number): ReplayMix<T> {
  if (!(replayShare >= 0 && replayShare < 1)) throw new RangeError(`replay share must be in [0, 1), got ${replayShare}`);
  if (fresh.length === 0) throw new RangeError('no new samples to fine-tune on');
  if (replay.length === 0 || replayShare === 0) return { samples: [...fresh], freshRepeats: 1, replayRepeats: 0, replayShare: 0 };
  // Wanted: replay·kr / (fresh·kf + replay·kr) = share  ⇔  replay·kr·(1 − share) = fresh·kf·share.
  const ratio = (replay.length * (1 - replayShare)) / (fresh.length * replayShare);
  const freshRepeats = ratio >= 1 ? Math.max(1, Math.round(ratio)) : 1;
  const replayRepeats = ratio >= 1 ? 1 : Math.max(1, Math.round(1 / ratio));
  const samples: T[] = [];
  for (let k = 0; k < freshRepeats; k++) samples.push(...fresh);
  for (let k = 0; k < replayRepeats; k++) samples.push(...replay);
  return { samples, freshRepeats, replayRepeats, replayShare: (replay.length * replayRepeats) / samples.length };
}
