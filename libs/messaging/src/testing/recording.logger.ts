import type { MessagingLogger } from '../messaging-logger.port';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly obj: Record<string, unknown>;
  readonly msg?: string;
}

/** Keeps log entries in memory so tests can assert on them (and keep the test output quiet). */
export class RecordingLogger implements MessagingLogger {
  readonly entries: LogEntry[] = [];

  info(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }

  warn(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }

  error(obj: Record<string, unknown>, msg?: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }

  messages(level?: LogEntry['level']): string[] {
    return this.entries.filter((e) => !level || e.level === level).map((e) => e.msg ?? '');
  }
}
