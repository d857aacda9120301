/**
 * PPO's clipped surrogate objective for one episode (Schulman et al. 2017, eq. 7), as a loss to
 * minimise: `−min(ρ·A, clip(ρ, 1−ε, 1+ε)·A)` with `ρ = exp(logProb − oldLogProb)`. Its derivative
 * with respect to `logProb` is `−ρ·A` where the unclipped term is the minimum, and 0 where the clip
 * holds (ρ above 1+ε with A > 0, or below 1−ε with A < 0): the policy gains nothing from moving
 * further than ε away from the one that sampled the episode.
 */
export function ppoClippedLoss(
  logProb: number,
  oldLogProb: number,
  advantage: number,
  epsilon: number,
): { loss: number; ratio: number; dLossDLogProb: number } {
  const ratio = Math.exp(logProb - oldLogProb);
  const unclipped = ratio * advantage;
  const clipped = Math.min(Math.max(ratio, 1 - epsilon), 1 + epsilon) * advantage;
  if (unclipped <= clipped) return { loss: -unclipped, ratio, dLossDLogProb: -unclipped };
  return { loss: -clipped, ratio, dLossDLogProb: 0 };
}
