import type { PipelineStatus } from './pipeline-status.monitor';

/** Where the status goes: a terminal (rewritten in place) or a pipe/file (one line per tick). */
export interface StatusOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** `3.8 frames/s · 12 alerts/min · 1532 frames · 40 alerts · factory-1 tiny@v1 · pcb-1 tiny@v1 · console http://…` */
export function formatStatusLine(status: PipelineStatus, consoleUrl: string | undefined): string {
  const models = status.models.length === 0 ? ['models: waiting for the first frame'] : status.models.map((m) => `${m.lineId} ${m.model}`);
  return [
    ...(status.warnings ?? []).map((warning) => `⚠ ${warning}`),
    `${status.framesPerSecond.toFixed(1)} frames/s`,
    `${status.alertsPerMinute} alerts/min`,
    `${status.framesTotal} frames`,
    `${status.alertsTotal} alerts`,
    ...models,
    ...(consoleUrl ? [`console ${consoleUrl}`] : []),
  ].join(' · ');
}

/**
 * Prints the status every `intervalMs`: on a terminal one line refreshed in place (cut to the
 * terminal's width), otherwise a plain timestamped line per tick, so logs and CI output stay readable.
 */
export class StatusLineRenderer {
  private timer: NodeJS.Timeout | undefined;
  private drawn = false;

  constructor(
    private readonly output: StatusOutput,
    private readonly status: () => PipelineStatus,
    private readonly consoleUrl: string | undefined,
    private readonly intervalMs: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.render(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops refreshing and leaves the last status on its own line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.render();
    if (this.output.isTTY && this.drawn) this.output.write('\n');
    this.drawn = false;
  }

  render(): void {
    const line = formatStatusLine(this.status(), this.consoleUrl);
    if (this.output.isTTY) {
      const width = Math.max(20, (this.output.columns ?? 120) - 1);
      this.output.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      this.drawn = true;
    } else {
      this.output.write(`[${this.clock().toISOString()}] status: ${line}\n`);
    }
  }
}
