import type { MessagingLogger } from './messaging-logger.port';

type Level = 'info' | 'warn' | 'error';
type Write = (line: string) => void;

/**
 * Default logger: one JSON object per line (pino-like fields: level, time, msg), info to stdout,
 * warnings and errors to stderr. Errors are never silenced by default.
 */
export class ConsoleJsonLogger implements MessagingLogger {
  constructor(
    private readonly bindings: Record<string, unknown> = { name: '@argus/messaging' },
    private readonly out: Write = (line) => process.stdout.write(`${line}\n`),
    private readonly err: Write = (line) => process.stderr.write(`${line}\n`),
  ) {}

  info(obj: Record<string, unknown>, msg?: string): void {
    this.write('info', obj, msg);
  }

  warn(obj: Record<string, unknown>, msg?: string): void {
    this.write('warn', obj, msg);
  }

  error(obj: Record<string, unknown>, msg?: string): void {
    this.write('error', obj, msg);
  }

  private write(level: Level, obj: Record<string, unknown>, msg: string | undefined): void {
    const record = { level, time: new Date().toISOString(), ...this.bindings, ...obj, ...(msg ? { msg } : {}) };
    const line = JSON.stringify(record, (_key, value: unknown) => (value instanceof Error ? serializeError(value) : value));
    (level === 'info' ? this.out : this.err)(line);
  }
}

function serializeError(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  return { type: error.name, message: error.message, ...(code === undefined ? {} : { code }), stack: error.stack };
}
