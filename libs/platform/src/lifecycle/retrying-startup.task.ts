import type { Logger } from 'pino';

export interface RetryingStartupTaskOptions {
  readonly logger?: Logger;
  /** Wait before the second attempt; doubles after each failure up to `maxDelayMs`. Default 250 ms. */
  readonly initialDelayMs?: number;
  /** Default 10 s. */
  readonly maxDelayMs?: number;
}

/**
 * Start-up work that needs a dependency which may not be up yet (open the database pool, create
 * the bucket): retried in the background with capped exponential backoff until it succeeds or the
 * service shuts down. The service boots and answers `/health/live` meanwhile; its readiness check
 * reports the dependency down (with the last error) until the task is done.
 */
export class RetryingStartupTask {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private state: 'idle' | 'running' | 'done' | 'stopped' = 'idle';
  private current: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  #lastError: unknown;

  constructor(
    readonly name: string,
    private readonly attempt: () => Promise<void>,
    private readonly options: RetryingStartupTaskOptions = {},
  ) {
    this.initialDelayMs = options.initialDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
  }

  get done(): boolean {
    return this.state === 'done';
  }

  get lastError(): unknown {
    return this.#lastError;
  }

  get attempts(): number {
    return this.failures + (this.state === 'done' ? 1 : 0);
  }

  /** Starts the attempts in the background; the returned promise settles when the task is done or stopped. */
  start(): Promise<void> {
    if (this.state !== 'idle') return this.current ?? Promise.resolve();
    this.state = 'running';
    this.current = this.loop();
    return this.current;
  }

  /** Cancels a pending retry and waits for an attempt in progress to settle. */
  async stop(): Promise<void> {
    if (this.state === 'running') this.state = 'stopped';
    clearTimeout(this.timer);
    this.wake?.();
    await this.current;
  }

  /** Throws, naming the last failure, until the task has succeeded. */
  assertDone(): void {
    if (this.state === 'done') return;
    const last = this.#lastError;
    const reason = last instanceof Error ? last.message || last.name : last === undefined ? 'not attempted yet' : String(last);
    throw new Error(`${this.name} has not succeeded yet (${this.failures} failed attempt(s)); last error: ${reason}`);
  }

  private async loop(): Promise<void> {
    while (this.state === 'running') {
      try {
        await this.attempt();
        if ((this.state as string) === 'stopped') return;
        this.state = 'done';
        this.#lastError = undefined;
        this.options.logger?.info({ task: this.name, attempts: this.failures + 1 }, `${this.name}: done`);
        return;
      } catch (error) {
        this.failures += 1;
        this.#lastError = error;
        const delayMs = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** Math.min(this.failures - 1, 20));
        // First failure at warn, then every tenth, so a long outage does not flood the log.
        if (this.failures === 1 || this.failures % 10 === 0) {
          this.options.logger?.warn(
            { task: this.name, attempt: this.failures, retryInMs: delayMs, err: error },
            `${this.name}: attempt ${this.failures} failed; retrying`,
          );
        }
        if ((this.state as string) !== 'running') return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, delayMs);
        });
        this.wake = undefined;
      }
    }
  }
}
