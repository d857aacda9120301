import type { Logger } from 'pino';

/**
 * Where a component closes in the shutdown sequence. Lower runs first; components with the same
 * order close in parallel. The sequence follows the work: stop taking new messages, let handlers
 * finish, stop taking HTTP requests and let them finish (they may still produce messages and write
 * rows), flush what was produced, close the database, and flush telemetry last so the shutdown's
 * own spans are exported.
 */
export const ShutdownOrder = {
  stopConsuming: 100,
  finishInFlight: 200,
  closeHttpServer: 300,
  flushProducer: 400,
  closeDatabase: 500,
  closeApplication: 800,
  flushTelemetry: 900,
} as const;

export interface ShutdownHook {
  readonly name: string;
  readonly order: number;
  close(): Promise<void> | void;
}

export interface ShutdownReport {
  readonly closed: readonly string[];
  readonly failed: readonly { name: string; error: string }[];
}

export class ShutdownTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly pending: readonly string[],
  ) {
    super(`shutdown did not finish within ${timeoutMs} ms; still closing: ${pending.join(', ') || '(none)'}`);
    this.name = 'ShutdownTimeoutError';
  }
}

/**
 * Components register how they close; on SIGTERM the lifecycle runs them once, in order, within a
 * deadline. A failing step is reported and the sequence goes on, so one stuck client does not keep
 * the database open.
 */
export class ShutdownRegistry {
  private readonly hooks: ShutdownHook[] = [];
  private running: Promise<ShutdownReport> | undefined;

  constructor(private readonly logger?: Logger) {}

  /** Returns a function that unregisters the hook (for a component closed earlier on its own). */
  register(hook: ShutdownHook): () => void {
    if (this.running) throw new Error(`cannot register "${hook.name}": shutdown has begun`);
    if (this.hooks.some((h) => h.name === hook.name)) throw new Error(`a shutdown hook named "${hook.name}" is already registered`);
    this.hooks.push(hook);
    return () => {
      const index = this.hooks.indexOf(hook);
      if (index >= 0) this.hooks.splice(index, 1);
    };
  }

  registered(): readonly ShutdownHook[] {
    return [...this.hooks].sort((a, b) => a.order - b.order);
  }

  /**
   * Closes everything, once (later calls get the same promise). Rejects with a
   * {@link ShutdownTimeoutError} naming the steps still running when `timeoutMs` passes.
   */
  closeAll(timeoutMs: number): Promise<ShutdownReport> {
    this.running ??= this.runWithDeadline(timeoutMs);
    return this.running;
  }

  private async runWithDeadline(timeoutMs: number): Promise<ShutdownReport> {
    const pending = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ShutdownTimeoutError(timeoutMs, [...pending])), timeoutMs);
    });
    try {
      return await Promise.race([this.runInOrder(pending), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runInOrder(pending: Set<string>): Promise<ShutdownReport> {
    const closed: string[] = [];
    const failed: { name: string; error: string }[] = [];
    const orders = [...new Set(this.hooks.map((h) => h.order))].sort((a, b) => a - b);
    for (const order of orders) {
      const step = this.hooks.filter((h) => h.order === order);
      await Promise.all(
        step.map(async (hook) => {
          pending.add(hook.name);
          const started = Date.now();
          try {
            await hook.close();
            closed.push(hook.name);
            this.logger?.info({ step: hook.name, order, ms: Date.now() - started }, `shutdown: closed ${hook.name}`);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            failed.push({ name: hook.name, error: message });
            this.logger?.error({ step: hook.name, order, err: error }, `shutdown: closing ${hook.name} failed`);
          } finally {
            pending.delete(hook.name);
          }
        }),
      );
    }
    return { closed, failed };
  }
}
