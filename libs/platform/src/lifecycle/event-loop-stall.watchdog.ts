import { PerformanceObserver } from 'node:perf_hooks';

export interface StallLogger {
  warn(fields: object, message: string): void;
}

export interface EventLoopStallWatchdogOptions {
  /** A tick this much later than due is reported. */
  readonly thresholdMs: number;
  /** How often the watchdog ticks (default 50 ms). */
  readonly intervalMs?: number;
}

interface GcPause {
  readonly endedAt: number;
  readonly ms: number;
}

/** GC pauses older than this are forgotten (a stall is reported within one tick of its end). */
const GC_MEMORY_MS = 30_000;

/**
 * Warns when this thread's event loop stalled: a timer due every `intervalMs` came at least
 * `thresholdMs` late, because synchronous work or garbage collection held the thread, or the
 * machine did not schedule the process. The warning says for how long, and how much of it garbage
 * collection took (GC pauses that ended inside the stall), so a latency spike in the logs reads as
 * "GC", "our own work" or "starved of CPU" rather than a guess. It costs one timer.
 */
export class EventLoopStallWatchdog {
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private observer: PerformanceObserver | undefined;
  private lastTick = 0;
  private gcPauses: GcPause[] = [];

  constructor(
    private readonly logger: StallLogger,
    private readonly options: EventLoopStallWatchdogOptions,
  ) {
    if (!(options.thresholdMs > 0)) throw new RangeError(`thresholdMs must be > 0, got ${options.thresholdMs}`);
    this.intervalMs = options.intervalMs ?? 50;
  }

  start(): void {
    if (this.timer) return;
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcPauses.push({ endedAt: entry.startTime + entry.duration, ms: entry.duration });
    });
    this.observer.observe({ entryTypes: ['gc'] });
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.observer?.disconnect();
    this.observer = undefined;
  }

  private tick(): void {
    const now = performance.now();
    const lateMs = now - this.lastTick - this.intervalMs;
    this.lastTick = now;
    this.gcPauses = this.gcPauses.filter((p) => p.endedAt >= now - GC_MEMORY_MS);
    if (lateMs < this.options.thresholdMs) return;
    // GC entries are delivered after the loop is free again: report one tick later, with them.
    const from = now - lateMs - this.intervalMs;
    setTimeout(() => {
      const gc = this.gcPauses.filter((p) => p.endedAt >= from && p.endedAt <= now);
      const gcMs = gc.reduce((sum, p) => sum + p.ms, 0);
      this.logger.warn(
        { blockedMs: Math.round(lateMs), gcMs: Math.round(gcMs), gcPauses: gc.length },
        `event loop stalled for ${Math.round(lateMs)} ms (garbage collection ${Math.round(gcMs)} ms of it)`,
      );
    }, this.intervalMs).unref();
  }
}

/** ARGUS_EVENT_LOOP_STALL_MS: the watchdog's threshold (default 500; 0 turns it off). */
export function eventLoopStallThresholdFromEnv(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env['ARGUS_EVENT_LOOP_STALL_MS']?.trim();
  if (!raw) return 500;
  if (!/^\d+$/.test(raw))
    throw new RangeError(`ARGUS_EVENT_LOOP_STALL_MS must be a whole number of milliseconds (0 turns the watchdog off), got "${raw}"`);
  return Number(raw);
}
