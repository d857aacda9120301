import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { createLogger } from '../logging/logger.factory';
import { CommonErrorCodes, DomainError } from './domain.error';
import type { ErrorResponseBody } from './error-response.dto';
import { type ErrorReplier, HttpErrorFilter } from './http-error.filter';

type Line = Record<string, unknown> & { level: string; errorId?: string; msg: string };

class FrameTooLargeError extends DomainError {
  constructor(bytes: number) {
    super('frame.too-large', `frame of ${bytes} bytes exceeds the limit`, { bytes, limit: 1024 });
  }
}

function setUp(headersSent = false) {
  const lines: Line[] = [];
  const logger = createLogger({
    service: 'test',
    version: '0.0.0',
    destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Line) },
  });
  const replies: { body: ErrorResponseBody; status: number }[] = [];
  const replier: ErrorReplier & { end: jest.Mock } = {
    reply: (_res, body, status) => replies.push({ body: body as ErrorResponseBody, status: status ?? 200 }),
    isHeadersSent: () => headersSent,
    end: jest.fn(),
  };
  const filter = new HttpErrorFilter(replier, logger, { 'frame.too-large': 413, 'model.not-promotable': 409 });
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ method: 'POST', originalUrl: '/frames' }), getResponse: () => ({}) }),
  } as unknown as ArgumentsHost;
  const handle = (exception: unknown) => {
    filter.catch(exception, host);
    const reply = replies.at(-1);
    if (!reply) throw new Error('no reply');
    return reply;
  };
  return { handle, lines, replier, filter, host };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('HttpErrorFilter', () => {
  it('maps a domain error code to its status and keeps its message and details', () => {
    const { handle, lines } = setUp();
    const { status, body } = handle(new FrameTooLargeError(5000));
    expect(status).toBe(413);
    expect(body).toEqual({
      error: {
        code: 'frame.too-large',
        message: 'frame of 5000 bytes exceeds the limit',
        errorId: expect.stringMatching(UUID),
        details: { bytes: 5000, limit: 1024 },
      },
    });
    expect(lines).toEqual([expect.objectContaining({ level: 'info', errorId: body.error.errorId, code: 'frame.too-large' })]);
  });

  it('maps the common codes by default', () => {
    const { handle } = setUp();
    expect(handle(new DomainError(CommonErrorCodes.notFound, 'no such frame')).status).toBe(404);
    expect(handle(new DomainError(CommonErrorCodes.conflict, 'exists')).status).toBe(409);
    expect(handle(new DomainError(CommonErrorCodes.validationFailed, 'bad')).status).toBe(400);
    expect(handle(new DomainError(CommonErrorCodes.unavailable, 'later')).status).toBe(503);
    expect(handle(new DomainError('model.not-promotable', 'worse than production')).status).toBe(409);
  });

  it('answers 500 for a domain code with no mapping, and logs it as a bug', () => {
    const { handle, lines } = setUp();
    const { status, body } = handle(new DomainError('camera.unknown-kind', 'what is this'));
    expect(status).toBe(500);
    expect(body.error).toMatchObject({ code: 'camera.unknown-kind', errorId: expect.stringMatching(UUID) });
    expect(lines[0]).toMatchObject({ level: 'error', errorId: body.error.errorId });
    expect(lines[0]?.msg).toContain('has no HTTP status');
  });

  it('keeps the status of Nest HttpExceptions', () => {
    const { handle } = setUp();
    expect(handle(new NotFoundException('no route')).status).toBe(404);
    const notFound = handle(new NotFoundException('frame f-1 not found')).body;
    expect(notFound.error).toMatchObject({ code: 'not-found', message: 'frame f-1 not found' });
    expect(handle(new HttpException('teapot', 418)).body.error).toMatchObject({ code: 'http-418', message: 'teapot' });
    const unavailable = handle(new ServiceUnavailableException());
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error.code).toBe('unavailable');
  });

  it('turns a list of validation messages into details', () => {
    const { handle } = setUp();
    const { status, body } = handle(new BadRequestException(['lineId must be a slug', 'width must be positive']));
    expect(status).toBe(400);
    expect(body.error.code).toBe('bad-request');
    expect(body.error.details).toEqual({ messages: ['lineId must be a slug', 'width must be positive'] });
  });

  it('keeps exposable client errors from middleware (body too large, bad JSON)', () => {
    const { handle } = setUp();
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413, statusCode: 413, expose: true });
    expect(handle(tooLarge)).toEqual({
      status: 413,
      body: { error: { code: 'payload-too-large', message: 'request entity too large', errorId: expect.any(String) } },
    });
    const hidden = Object.assign(new Error('secret internals'), { status: 400, expose: false });
    expect(handle(hidden).status).toBe(500);
  });

  it('answers 500 with an errorId and no internals for anything unexpected, and logs the same errorId with the stack', () => {
    const { handle, lines } = setUp();
    const { status, body } = handle(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(status).toBe(500);
    expect(body).toEqual({
      error: { code: 'internal-error', message: 'Internal server error', errorId: expect.stringMatching(UUID) },
    });
    expect(JSON.stringify(body)).not.toContain('Cannot read');
    expect(lines).toHaveLength(1);
    const line = lines[0] as Line & { err: { stack: string }; req: unknown };
    expect(line).toMatchObject({ level: 'error', errorId: body.error.errorId, status: 500, req: { method: 'POST', url: '/frames' } });
    expect(line.err.stack).toContain('Cannot read properties');
  });

  it('handles thrown non-errors', () => {
    const { handle, lines } = setUp();
    expect(handle('a string').status).toBe(500);
    expect(lines[0]?.level).toBe('error');
  });

  it('gives every answer its own errorId', () => {
    const { handle } = setUp();
    expect(handle(new Error('a')).body.error.errorId).not.toBe(handle(new Error('a')).body.error.errorId);
  });

  it('ends the response when headers were already sent', () => {
    const { filter, host, replier, lines } = setUp(true);
    filter.catch(new Error('mid-stream'), host);
    expect(replier.end).toHaveBeenCalledTimes(1);
    expect(lines[0]?.level).toBe('error');
  });

  it('rethrows outside HTTP', () => {
    const { filter } = setUp();
    const rpcHost = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const error = new Error('not mine');
    expect(() => filter.catch(error, rpcHost)).toThrow(error);
  });
});
