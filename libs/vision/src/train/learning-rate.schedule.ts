export interface LearningRateScheduleOptions {
  /** Peak learning rate, reached at the end of warm-up. */
  readonly peak: number;
  /** Steps of linear warm-up from `peak · warmupStartFactor` to `peak`. */
  readonly warmupSteps: number;
  /** All optimisation steps of the run; cosine decay spans the steps after warm-up. */
  readonly totalSteps: number;
  /** The final learning rate as a fraction of the peak (default 0.01). */
  readonly finalFactor?: number;
  /** Where warm-up starts, as a fraction of the peak (default 0.01). */
  readonly warmupStartFactor?: number;
}

/**
 * Linear warm-up then cosine decay: lr(step) for a 0-based step. Past `totalSteps` it stays at
 * the final rate. A pure function of the step, so a resumed run continues on the same curve.
 */
export function learningRateAt(step: number, options: LearningRateScheduleOptions): number {
  const { peak, warmupSteps, totalSteps } = options;
  if (!(peak > 0)) throw new RangeError(`peak learning rate must be positive, got ${peak}`);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0) throw new RangeError(`warmupSteps must be a whole number ≥ 0, got ${warmupSteps}`);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new RangeError(`totalSteps must be a whole number ≥ 1, got ${totalSteps}`);
  const finalLr = peak * (options.finalFactor ?? 0.01);
  const startLr = peak * (options.warmupStartFactor ?? 0.01);
  if (step < warmupSteps) return startLr + ((peak - startLr) * step) / warmupSteps;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return finalLr + 0.5 * (peak - finalLr) * (1 + Math.cos(Math.PI * progress));
}
