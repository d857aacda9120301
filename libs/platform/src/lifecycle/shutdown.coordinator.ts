import type { Logger } from 'pino';
import type { LifecycleState } from './lifecycle.state';
import { type ShutdownRegistry, ShutdownTimeoutError } from './shutdown.registry';

/** The bit of `process` the coordinator listens on, so tests can send signals without sending signals. */
export interface SignalSource {
  once(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface ShutdownCoordinatorOptions {
  readonly registry: ShutdownRegistry;
  readonly state: LifecycleState;
  readonly logger: Logger;
  /** The whole sequence must finish within this; default 15 s. */
  readonly timeoutMs?: number;
  readonly exit?: (code: number) => void;
  readonly signals?: SignalSource;
}

export const EXIT_OK = 0;
/** Shutdown failed, timed out or was cut short by a second signal. */
export const EXIT_UNCLEAN_SHUTDOWN = 1;

/**
 * On the first SIGTERM/SIGINT: mark the service not ready, run the registry's ordered shutdown
 * within the deadline and exit 0 (1 if a step failed). A second signal, or a shutdown that outlives
 * its deadline, exits 1 at once with a log line saying why.
 */
export class ShutdownCoordinator {
  private readonly timeoutMs: number;
  private readonly exit: (code: number) => void;
  private started: Promise<void> | undefined;

  constructor(private readonly options: ShutdownCoordinatorOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  listen(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    const source = this.options.signals ?? process;
    for (const signal of signals) source.on(signal, (received) => void this.onSignal(received ?? signal));
  }

  onSignal(signal: NodeJS.Signals): Promise<void> {
    if (this.started) {
      this.options.logger.fatal({ signal }, `received ${signal} again during shutdown; exiting immediately`);
      this.exit(EXIT_UNCLEAN_SHUTDOWN);
      return this.started;
    }
    return this.shutdown(`signal ${signal}`);
  }

  /** Runs the shutdown once; later calls wait for the first. */
  shutdown(reason: string): Promise<void> {
    this.started ??= this.run(reason);
    return this.started;
  }

  private async run(reason: string): Promise<void> {
    const { logger, registry, state } = this.options;
    const began = Date.now();
    state.markShuttingDown();
    logger.info(
      { reason, timeoutMs: this.timeoutMs, steps: registry.registered().map((h) => `${h.order}:${h.name}`) },
      `shutting down (${reason})`,
    );
    try {
      const report = await registry.closeAll(this.timeoutMs);
      if (report.failed.length > 0) {
        logger.error({ failed: report.failed, ms: Date.now() - began }, 'shutdown finished with failures');
        this.exit(EXIT_UNCLEAN_SHUTDOWN);
        return;
      }
      logger.info({ ms: Date.now() - began }, 'shutdown complete');
      this.exit(EXIT_OK);
    } catch (error) {
      if (error instanceof ShutdownTimeoutError) {
        logger.fatal({ pending: error.pending, timeoutMs: error.timeoutMs }, error.message);
      } else {
        logger.fatal({ err: error }, 'shutdown failed');
      }
      this.exit(EXIT_UNCLEAN_SHUTDOWN);
    }
  }
}
