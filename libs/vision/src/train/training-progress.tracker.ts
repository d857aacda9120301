/** "1h02m", "4m05s", "12s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

/**
 * Throughput and ETA of a training run: step times (recent ones weigh more, so a machine that
 * gets busier shows up in the ETA) and validation times.
 */
export class TrainingProgressTracker {
  private stepMs = NaN;
  private validationMs = NaN;
  private images = 0;
  private imageMs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  recordStep(ms: number, images: number): void {
    this.stepMs = Number.isNaN(this.stepMs) ? ms : 0.95 * this.stepMs + 0.05 * ms;
    this.images += images;
    this.imageMs += ms;
  }

  recordValidation(ms: number): void {
    this.validationMs = Number.isNaN(this.validationMs) ? ms : 0.5 * this.validationMs + 0.5 * ms;
  }

  /** Training images per second over this process's steps. */
  imagesPerSecond(): number {
    return this.imageMs > 0 ? (1000 * this.images) / this.imageMs : 0;
  }

  etaMs(remainingSteps: number, remainingValidations: number): number {
    if (Number.isNaN(this.stepMs)) return NaN;
    return remainingSteps * this.stepMs + remainingValidations * (Number.isNaN(this.validationMs) ? 0 : this.validationMs);
  }
}
