/**
 * The minimal structured logger the detector core needs. pino's `Logger` satisfies it, so callers
 * inject their own; `silentVisionLogger` is for tests and quiet tools.
 */
export interface VisionLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

export const silentVisionLogger: VisionLogger = {
  info: () => undefined,
  warn: () => undefined,
};

/** One JSON line on stderr per event: the default when nobody injects a logger. */
export const stderrJsonVisionLogger: VisionLogger = {
  info: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'info', ...obj, msg })}\n`),
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...obj, msg })}\n`),
};
