import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Secret } from '../config/secret.schema';
import { createLogger } from './logger.factory';
import { PinoNestLogger } from './pino-nest.logger';
import { RequestLoggingMiddleware } from './request-logging.middleware';

type Line = Record<string, unknown>;

function capturingLogger(level: 'info' | 'debug' = 'info') {
  const lines: Line[] = [];
  const logger = createLogger({
    service: 'camera-ingest',
    version: '1.2.3',
    level,
    destination: { write: (chunk: string) => void lines.push(JSON.parse(chunk) as Line) },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    contextManager.disable();
    context.disable();
  });

  it('writes JSON lines with service, version, level label and ISO time', () => {
    const { logger, lines } = capturingLogger();
    logger.info({ frameId: 'f-1' }, 'stored');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', service: 'camera-ingest', version: '1.2.3', frameId: 'f-1', msg: 'stored' });
    expect(new Date(String(lines[0]?.['time'])).toISOString()).toBe(lines[0]?.['time']);
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  it('adds trace_id and span_id of the active span', () => {
    const { logger, lines } = capturingLogger();
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    });
    context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
    logger.info('outside');
    expect(lines[0]).toMatchObject({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('never prints a Secret', () => {
    const { logger, lines } = capturingLogger();
    logger.info({ config: { ARGUS_S3_SECRET_KEY: new Secret('s3cr3t') } }, 'config loaded');
    expect(JSON.stringify(lines)).not.toContain('s3cr3t');
    expect(lines[0]).toMatchObject({ config: { ARGUS_S3_SECRET_KEY: '***' } });
  });
});

describe('PinoNestLogger', () => {
  it('maps Nest levels and context onto pino', () => {
    const { logger, lines } = capturingLogger('debug');
    const nest = new PinoNestLogger(logger);
    nest.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    nest.warn('careful');
    nest.debug('details', 'Injector');
    nest.verbose('dropped below debug');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', msg: 'Mapped {/health/live, GET} route', context: 'RouterExplorer' }),
      expect.objectContaining({ level: 'warn', msg: 'careful' }),
      expect.objectContaining({ level: 'debug', msg: 'details', context: 'Injector' }),
    ]);
  });

  it('keeps the stack of error(message, stack, context) and of error(message, stack)', () => {
    const { logger, lines } = capturingLogger();
    const nest = new PinoNestLogger(logger);
    const stack = 'Error: boom\n    at main (main.ts:1:1)';
    nest.error('boom', stack, 'ExceptionHandler');
    nest.error('boom again', stack);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', stack, context: 'ExceptionHandler' });
    expect(lines[1]).toMatchObject({ level: 'error', msg: 'boom again', stack });
    expect(lines[1]).not.toHaveProperty('context');
  });

  it('serializes an Error message with its stack', () => {
    const { logger, lines } = capturingLogger();
    new PinoNestLogger(logger).error(new Error('kaput'));
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'kaput', err: { type: 'Error', message: 'kaput' } });
    expect(String((lines[0]?.['err'] as Line)['stack'])).toContain('kaput');
  });

  it('honours Nest setLogLevels by its lowest level', () => {
    const { logger, lines } = capturingLogger('debug');
    const nest = new PinoNestLogger(logger);
    nest.setLogLevels(['warn', 'error']);
    nest.log('hidden');
    nest.warn('shown');
    expect(lines.map((l) => l['msg'])).toEqual(['shown']);
  });
});

describe('RequestLoggingMiddleware', () => {
  function exchange(method: string, url: string) {
    const req = { method, url, originalUrl: url } as unknown as IncomingMessage;
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true }) as unknown as ServerResponse;
    return { req, res };
  }

  it('logs method, url, status and duration once the response finishes', () => {
    const { logger, lines } = capturingLogger();
    const { req, res } = exchange('POST', '/frames');
    const next = jest.fn();
    new RequestLoggingMiddleware(logger).use(req, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(0);
    res.statusCode = 201;
    res.emit('finish');
    res.emit('close');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', req: { method: 'POST', url: '/frames' }, res: { statusCode: 201 } });
    expect(typeof lines[0]?.['ms']).toBe('number');
  });

  it('logs 5xx as error and health probes at debug', () => {
    const { logger, lines } = capturingLogger();
    const middleware = new RequestLoggingMiddleware(logger);
    const failed = exchange('GET', '/models');
    middleware.use(failed.req, failed.res, jest.fn());
    failed.res.statusCode = 503;
    failed.res.emit('finish');
    const probe = exchange('GET', '/health/ready');
    middleware.use(probe.req, probe.res, jest.fn());
    probe.res.statusCode = 503;
    probe.res.emit('finish');
    expect(lines).toEqual([expect.objectContaining({ level: 'error', res: { statusCode: 503 } })]);
  });
});
