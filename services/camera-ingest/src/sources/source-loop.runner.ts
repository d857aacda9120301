import { setTimeout as delay } from 'node:timers/promises';
import { IngestUnavailableError } from '../ingest/frame-ingest.errors';
import type { SourceLogger } from './frame-source.port';

/**
 * The background loop every source runs: `step()` until it says stop or `stop()` is called,
 * waiting between steps on an abortable timer, so shutdown never waits for a sleep. A step that
 * throws `IngestUnavailableError` is retried after the error's Retry-After; any other error is
 * the source's to handle (the loop logs it and goes on).
 */
export class SourceLoopRunner {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private resolveFinished!: () => void;
  readonly finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));

  constructor(
    private readonly name: string,
    private readonly logger: SourceLogger,
  ) {}

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** `step` returns how long to wait before the next step, or `'done'`. */
  start(step: () => Promise<number | 'done'>): void {
    if (this.running) throw new Error(`source ${this.name} is already running`);
    this.running = this.run(step).finally(() => this.resolveFinished());
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.resolveFinished();
  }

  /** Waits `ms` unless stopped meanwhile; returns false when stopped. */
  async wait(ms: number): Promise<boolean> {
    if (this.abort.signal.aborted) return false;
    if (ms <= 0) return true;
    try {
      await delay(ms, undefined, { signal: this.abort.signal });
      return true;
    } catch {
      return false;
    }
  }

  private async run(step: () => Promise<number | 'done'>): Promise<void> {
    this.logger.info({ source: this.name }, `source ${this.name} started`);
    while (!this.abort.signal.aborted) {
      let next: number | 'done';
      try {
        next = await step();
      } catch (error) {
        if (error instanceof IngestUnavailableError) {
          this.logger.warn(
            { source: this.name, dependency: error.dependency },
            `source ${this.name}: ${error.message}; retrying in ${error.retryAfterSeconds} s`,
          );
          next = error.retryAfterSeconds * 1000;
        } else {
          this.logger.error(
            { source: this.name, err: error },
            `source ${this.name}: ${error instanceof Error ? error.message : String(error)}`,
          );
          next = 1000;
        }
      }
      if (next === 'done') break;
      if (!(await this.wait(next))) break;
    }
    this.logger.info({ source: this.name }, `source ${this.name} stopped`);
  }
}

/** Paces frames at `fps`: the wait until the next frame's slot, measured from the loop's start (no drift). */
export class FramePacer {
  private readonly startedAt = Date.now();
  private emitted = 0;

  constructor(private readonly fps: number) {}

  /** Call after a frame is sent; returns the wait until the next one is due (0 when behind). */
  next(): number {
    this.emitted++;
    const due = this.startedAt + (this.emitted * 1000) / this.fps;
    return Math.max(0, due - Date.now());
  }
}
