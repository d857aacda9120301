import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Logger } from 'pino';
import type { LogLevel } from '../config/env-fields.schema';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  readonly service: string;
  readonly version: string;
  readonly level?: LogLevel;
  /** Where lines go; synchronous stdout by default, so a line logged before `exit` is not lost. */
  readonly destination?: DestinationStream;
}

/** The active OpenTelemetry span's ids, so a log line can be found from its trace and back. */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * One JSON object per line: `level` (as a label), ISO `time`, `service`, `version`, `msg`, and
 * `trace_id`/`span_id` whenever a span is active. Errors logged as `err` are serialized with their stack.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, version: options.version, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.secretKey', '*.secretAccessKey'],
        censor: '***',
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
