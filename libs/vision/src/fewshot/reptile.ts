import type { DetectorWeights } from '../core/detector-weights';

export class MetaUpdateError extends Error {
  readonly code = 'META_UPDATE';
}

/**
 * Reptile's outer update (Nichol et al. 2018), a pure function: θ ← θ + ε·(φ̄ − θ), φ̄ the mean of
 * the weights each task's inner loop adapted θ to. Every weight is updated, batch-norm running
 * statistics included: they are part of what a task's adaptation starts from. The adapted weights
 * must have exactly θ's names and shapes.
 */
export function reptileUpdate(theta: DetectorWeights, adapted: readonly DetectorWeights[], epsilon: number): DetectorWeights {
  if (adapted.length === 0) throw new MetaUpdateError('no adapted weights: a meta-batch needs at least one task');
  if (!(epsilon >= 0 && epsilon <= 1)) throw new MetaUpdateError(`the meta step size ε must be in [0, 1], got ${epsilon}`);
  const names = Object.keys(theta).sort();
  const next: DetectorWeights = {};
  for (const name of names) {
    const t = theta[name];
    if (!t) continue;
    const sum = new Float64Array(t.values.length);
    adapted.forEach((phi, k) => {
      const p = phi[name];
      if (!p || p.values.length !== t.values.length || p.shape.join('x') !== t.shape.join('x')) {
        throw new MetaUpdateError(`task ${k}'s adapted weights have no ${name} of shape [${t.shape.join(', ')}]`);
      }
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (p.values[i] as number);
    });
    const values = new Float32Array(t.values.length);
    for (let i = 0; i < values.length; i++) {
      const mean = (sum[i] as number) / adapted.length;
      values[i] = (t.values[i] as number) + epsilon * (mean - (t.values[i] as number));
    }
    next[name] = { shape: [...t.shape], values };
  }
  for (const [k, phi] of adapted.entries()) {
    const extra = Object.keys(phi).filter((name) => !(name in theta));
    if (extra.length > 0) throw new MetaUpdateError(`task ${k}'s adapted weights have names θ lacks: ${extra.slice(0, 3).join(', ')}`);
  }
  return next;
}

export interface MetaStepSchedule {
  /** ε at the first meta-step. */
  readonly initial: number;
  /** ε reached at the last meta-step. */
  readonly final: number;
}

/** Reptile's usual schedule: ε decays linearly from `initial` at step 0 to `final` at step `totalSteps`. */
export function metaStepSize(step: number, totalSteps: number, schedule: MetaStepSchedule): number {
  if (!(totalSteps > 0)) return schedule.initial;
  const progress = Math.min(1, Math.max(0, step / totalSteps));
  return schedule.initial + (schedule.final - schedule.initial) * progress;
}
