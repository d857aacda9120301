import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const NEST_TO_PINO: Record<NestLogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

const STACK_LINE = /\n\s+at /;

/**
 * Nest's own log calls (`Logger.log(message, context)`, `Logger.error(message, stack, context)`)
 * written through pino, so the framework's lines are JSON like everyone else's.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('log', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('verbose', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Nest asks for the levels it may use; pino's one threshold already covers that. */
  setLogLevels(levels: NestLogLevel[]): void {
    const order: NestLogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
    const lowest = order.find((level) => levels.includes(level));
    if (lowest) this.logger.level = NEST_TO_PINO[lowest];
  }

  private write(level: NestLogLevel, message: unknown, optionalParams: unknown[]): void {
    const params = [...optionalParams];
    const fields: Record<string, unknown> = {};
    // Nest appends the logger's context as the last string argument.
    if (params.length > 0 && typeof params[params.length - 1] === 'string') {
      const context = params.pop() as string;
      // `error(message, stack)` with no context: the only string is the stack.
      if (level === 'error' && params.length === 0 && STACK_LINE.test(context)) fields['stack'] = context;
      else fields['context'] = context;
    }
    const extra: unknown[] = [];
    for (const param of params) {
      if (param instanceof Error) fields['err'] = param;
      else if (typeof param === 'string' && STACK_LINE.test(param)) fields['stack'] = param;
      else if (param !== undefined) extra.push(param);
    }
    if (extra.length > 0) fields['params'] = extra;

    const pinoLevel = NEST_TO_PINO[level];
    if (message instanceof Error) {
      this.logger[pinoLevel]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[pinoLevel]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[pinoLevel](fields, String(message));
    }
  }
}
