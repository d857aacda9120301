import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from './domain.error';
import { codeForHttpStatus, DEFAULT_ERROR_HTTP_STATUS, type ErrorHttpStatusMap } from './error-http-status.map';
import type { ErrorResponseBody } from './error-response.dto';

/** The part of Nest's HTTP adapter the filter writes through (express or fastify alike). */
export interface ErrorReplier {
  reply(response: unknown, body: unknown, statusCode?: number): unknown;
  isHeadersSent(response: unknown): boolean;
  end(response: unknown, message?: string): unknown;
}

interface RequestLine {
  method?: string;
  url?: string;
  originalUrl?: string;
}

interface Answer {
  status: number;
  body: ErrorResponseBody;
  /** The failure is ours (5xx): log it as an error with its stack. */
  ours: boolean;
  note?: string;
}

/**
 * The one place an exception becomes an HTTP answer, always `{ error: { code, message, errorId,
 * details? } }`:
 * - a DomainError → the status its code maps to (an unmapped code is a bug: 500, logged);
 * - a Nest HttpException → its status;
 * - a client error raised by middleware with an exposable status (body too large, bad JSON) → that status;
 * - anything else → 500 "internal-error", message hidden; the errorId is on the error log line.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly statusByCode: ErrorHttpStatusMap;

  constructor(
    private readonly replier: ErrorReplier,
    private readonly logger: Logger,
    statusByCode: ErrorHttpStatusMap = {},
  ) {
    this.statusByCode = { ...DEFAULT_ERROR_HTTP_STATUS, ...statusByCode };
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<RequestLine>();
    const response = http.getResponse<unknown>();
    const answer = this.answerFor(exception);
    const { code, errorId } = answer.body.error;
    const fields = {
      errorId,
      code,
      status: answer.status,
      req: { method: request.method, url: request.originalUrl ?? request.url },
      err: exception instanceof Error ? exception : new Error(String(exception)),
    };
    if (answer.ours) this.logger.error(fields, answer.note ?? `request failed: ${describe(exception)}`);
    else this.logger.info({ ...fields, err: undefined }, `request refused: ${code}`);

    if (this.replier.isHeadersSent(response)) {
      // Too late for a JSON body; end the response so the client is not left waiting.
      this.replier.end(response);
      return;
    }
    this.replier.reply(response, answer.body, answer.status);
  }

  answerFor(exception: unknown): Answer {
    const errorId = randomUUID();
    if (exception instanceof DomainError) {
      const mapped = this.statusByCode[exception.code];
      const status = mapped ?? 500;
      return {
        status,
        ours: status >= 500,
        note: mapped === undefined ? `domain error code "${exception.code}" has no HTTP status; answering 500` : undefined,
        body: { error: withDetails({ code: exception.code, message: exception.message, errorId }, exception.details) },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const { message, details } = httpExceptionContent(exception);
      return {
        status,
        ours: status >= 500,
        body: { error: withDetails({ code: codeForHttpStatus(status), message, errorId }, details) },
      };
    }
    const exposed = exposedClientError(exception);
    if (exposed) {
      return {
        status: exposed.status,
        ours: false,
        body: { error: { code: codeForHttpStatus(exposed.status), message: exposed.message, errorId } },
      };
    }
    return {
      status: 500,
      ours: true,
      body: { error: { code: 'internal-error', message: 'Internal server error', errorId } },
    };
  }
}

function withDetails(error: ErrorResponseBody['error'], details: Record<string, unknown> | undefined): ErrorResponseBody['error'] {
  return details && Object.keys(details).length > 0 ? { ...error, details } : error;
}

function httpExceptionContent(exception: HttpException): { message: string; details?: Record<string, unknown> } {
  const response = exception.getResponse();
  if (typeof response === 'string') return { message: response };
  const body = response as { message?: unknown; error?: unknown; statusCode?: unknown; [key: string]: unknown };
  // ValidationPipe answers with a list of messages.
  if (Array.isArray(body.message)) {
    return { message: body.message.map(String).join('; '), details: { messages: body.message } };
  }
  const { message, error: _error, statusCode: _statusCode, ...rest } = body;
  return {
    message: typeof message === 'string' ? message : exception.message,
    details: Object.keys(rest).length > 0 ? rest : undefined,
  };
}

/** http-errors style errors (body-parser's 413 and bad-JSON 400) say whether their message may be shown. */
function exposedClientError(exception: unknown): { status: number; message: string } | undefined {
  if (!(exception instanceof Error)) return undefined;
  const candidate = exception as Error & { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = typeof candidate.status === 'number' ? candidate.status : candidate.statusCode;
  if (typeof status !== 'number' || status < 400 || status > 499 || candidate.expose !== true) return undefined;
  return { status, message: exception.message };
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}
