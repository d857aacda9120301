import type { DemoReviewerCounts } from '../demo-reviewer/demo-reviewer';
import type { LineLearning, ModelLabel, PipelineStatus } from './pipeline-status.monitor';

/** Where the status goes: a terminal (rewritten in place) or a pipe/file (one line per tick). */
export interface StatusOutput {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/**
 * `6.0 frames/s stored · 6.0 scored · 12 alerts/min · 0 duplicates skipped · all runs: 1532 frames, 1530 scored, 40 alerts, 0 dead letters · factory-1 tiny@v1 AP50 0.712 [training 12/40] · reviewed 9 (2 confirmed, 1 corrected, 6 rejected) · console http://…`
 * Rates and duplicates are this run's; "all runs" is what the database holds.
 */
export function formatStatusLine(status: PipelineStatus, consoleUrl: string | undefined): string {
  const models = status.models.length === 0 ? ['models: waiting for the first frame'] : status.models.map(formatLineModel);
  const { totals } = status;
  const deadLetters =
    status.deadLetters === undefined ? '' : `, ${status.deadLetters} dead ${status.deadLetters === 1 ? 'letter' : 'letters'}`;
  return [
    ...(status.warnings ?? []).map((warning) => `⚠ ${warning}`),
    `${status.framesStoredPerSecond.toFixed(1)} frames/s stored`,
    `${status.framesScoredPerSecond.toFixed(1)} scored`,
    `${status.alertsPerMinute} alerts/min`,
    `${status.duplicatesSkipped} ${status.duplicatesSkipped === 1 ? 'duplicate' : 'duplicates'} skipped`,
    `all runs: ${totals.framesStored} frames, ${totals.framesScored} scored, ${totals.alerts} alerts${deadLetters}`,
    ...models,
    ...(status.reviewer ? [formatReviewer(status.reviewer)] : []),
    ...(consoleUrl ? [`console ${consoleUrl}`] : []),
  ].join(' · ');
}

/** `factory-1 tiny@v1 AP50 0.712 (holdout)` and, in brackets, what the fine-tune loop is doing on the line. */
export function formatLineModel(line: PipelineStatus['models'][number]): string {
  const learning = line.learning ? ` [${formatLearning(line.learning)}]` : '';
  return `${line.lineId} ${formatModel(line)}${learning}`;
}

function formatModel(label: ModelLabel): string {
  return label.ap50 ? `${label.model} AP50 ${label.ap50.value.toFixed(3)} (${label.ap50.split})` : label.model;
}

function formatLearning(learning: LineLearning): string {
  switch (learning.state) {
    case 'training':
      return learning.phase === 'training'
        ? `training job: step ${learning.step}/${learning.totalSteps}`
        : `training job: ${learning.phase}`;
    case 'candidate':
      return `candidate ${formatModel(learning.candidate)}, gates ${learning.gatesPassed ? 'passed' : 'failed'}`;
    case 'failed':
      return learning.outcome === 'cancelled' ? 'training job cancelled' : `training job failed: ${learning.errorCode}`;
  }
}

function formatReviewer(counts: DemoReviewerCounts): string {
  const total = counts.confirmed + counts.corrected + counts.rejected;
  return `scripted reviews ${total} (${counts.confirmed} confirmed, ${counts.corrected} corrected, ${counts.rejected} rejected)`;
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
