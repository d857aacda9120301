import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestMiddleware } from '@nestjs/common';
import type { Logger } from 'pino';

/** Probes hit these every few seconds; they are logged at debug (whatever the status) so they do not drown the rest. */
const QUIET_PATHS = /^\/health\/(live|ready)(\?|$)/;

/**
 * One line per HTTP request when its response has been sent (or the connection dropped):
 * method, url, status and duration in milliseconds.
 */
export class RequestLoggingMiddleware implements NestMiddleware {
  constructor(private readonly logger: Logger) {}

  use(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    const started = process.hrtime.bigint();
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        req: { method: req.method, url },
        res: { statusCode: res.statusCode },
        ms: Math.round(ms * 10) / 10,
        aborted: !res.writableFinished,
      };
      const message = `${req.method ?? '?'} ${url} ${res.statusCode} ${fields.ms}ms`;
      // A 503 from /health/ready is an answer, not a failure: the readiness check logs nothing either.
      if (QUIET_PATHS.test(url)) this.logger.debug(fields, message);
      else if (res.statusCode >= 500) this.logger.error(fields, message);
      else this.logger.info(fields, message);
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  }
}
