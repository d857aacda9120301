import type { DiagLogger } from '@opentelemetry/api';
import type { Logger } from 'pino';

/** OpenTelemetry's own diagnostics (an exporter that cannot reach its collector, …) as JSON log lines. */
export class PinoDiagLogger implements DiagLogger {
  constructor(private readonly logger: Logger) {}

  error(message: string, ...args: unknown[]): void {
    this.logger.error(this.fields(args), message);
  }

  warn(message: string, ...args: unknown[]): void {
    this.logger.warn(this.fields(args), message);
  }

  info(message: string, ...args: unknown[]): void {
    this.logger.info(this.fields(args), message);
  }

  debug(message: string, ...args: unknown[]): void {
    this.logger.debug(this.fields(args), message);
  }

  verbose(message: string, ...args: unknown[]): void {
    this.logger.trace(this.fields(args), message);
  }

  private fields(args: unknown[]): Record<string, unknown> {
    const error = args.find((arg): arg is Error => arg instanceof Error);
    const rest = args.filter((arg) => arg !== error);
    return { context: 'opentelemetry', ...(error ? { err: error } : {}), ...(rest.length ? { args: rest } : {}) };
  }
}
