import type { FrameRetentionUseCase, RetentionLogger, RetentionPassReport } from './frame-retention.use-case';

/**
 * Runs a retention pass every `intervalMs` (counted from the end of the previous one, so passes
 * never overlap) and logs what each removed: one line per pass, per line what went and why.
 * A failed pass is logged and the next one tries again. `stop()` lets the running pass finish its
 * current batch.
 */
export class FrameRetentionWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly retention: Pick<FrameRetentionUseCase, 'runPass' | 'stop'>,
    private readonly logger: RetentionLogger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.stopped || this.timer || this.intervalMs <= 0) return;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.retention.stop();
    await this.running;
  }

  /** One pass now (the timer's, or a test's). */
  async runOnce(): Promise<RetentionPassReport | undefined> {
    try {
      const report = await this.retention.runPass();
      logPass(this.logger, report);
      return report;
    } catch (error) {
      this.logger.warn({ err: error }, 'retention: the pass failed; the next one tries again');
      return undefined;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.runOnce().then(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref();
  }
}

/** Logs a pass: info with each line that lost frames or objects, warn for failures and lines still over their cap. */
export function logPass(logger: RetentionLogger, report: RetentionPassReport): void {
  const busy = report.lines.filter((l) => l.framesByAge + l.framesBySize + l.objectsDeleted + l.objectsLeft + l.framesKept > 0);
  const frames = busy.reduce((sum, l) => sum + l.framesByAge + l.framesBySize, 0);
  const bytes = busy.reduce((sum, l) => sum + l.bytes, 0);
  const objects = busy.reduce((sum, l) => sum + l.objectsDeleted, 0);
  if (busy.length > 0) {
    logger.info(
      {
        frames,
        bytes,
        objects,
        lines: busy.map((l) => ({
          lineId: l.lineId,
          byAge: l.framesByAge,
          bySize: l.framesBySize,
          bytes: l.bytes,
          objectsDeleted: l.objectsDeleted,
          objectsLeft: l.objectsLeft,
          kept: l.framesKept,
        })),
        durationMs: Date.now() - report.startedAt.getTime(),
      },
      `retention: removed ${frames} frames (${bytes} bytes of images) and ${objects} objects`,
    );
  }
  for (const line of report.lines.filter((l) => l.overCapBytes > 0)) {
    logger.warn(
      { lineId: line.lineId, overCapBytes: line.overCapBytes, maxBytes: line.rules.maxBytes },
      `retention: line ${line.lineId} stays ${line.overCapBytes} bytes over its cap (reviewed frames and frames younger than the minimum age are not removed for size)`,
    );
  }
  for (const failure of report.failures)
    logger.warn(failure, `retention: line ${failure.lineId} failed: ${failure.error}; the next pass tries again`);
}
