import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { core, NodeSDK, resources, tracing } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Flushes and stops telemetry; resolves even if the exporter cannot be reached. */
export type TelemetryShutdown = () => Promise<void>;

/** Readiness and liveness probes would otherwise make a span every few seconds. */
const UNTRACED_PATHS = /^\/health\//;

/**
 * Starts OpenTelemetry for this process. Call it before anything else is imported (each service's
 * `src/telemetry.ts`, imported first by `main.ts`), so the http module is instrumented before use.
 *
 * - W3C trace-context (and baggage) propagation, always: incoming `traceparent` headers continue
 *   the caller's trace, and every request gets a trace id that log lines carry.
 * - Spans are recorded and exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the
 *   traces-specific variable) is set; otherwise they are not recorded (ids only), never sent to a
 *   default address, and outgoing HTTP calls (S3) are not instrumented.
 * - `OTEL_SDK_DISABLED=true` turns it all off.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryShutdown {
  const env = options.env ?? process.env;
  const exporting = Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);

  const sdk = new NodeSDK({
    resource: resources.resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
    }),
    serviceName: options.serviceName,
    textMapPropagator: new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
    spanProcessors: exporting ? [new tracing.BatchSpanProcessor(new OTLPTraceExporter())] : [new tracing.NoopSpanProcessor()],
    // Nothing exports the spans: make them non-recording (no attributes, events or timing kept).
    // They still carry trace and span ids, so log lines and outgoing `traceparent` headers keep
    // the trace, without the work of recording what would be dropped.
    ...(exporting ? {} : { sampler: new tracing.AlwaysOffSampler() }),
    // Logs go to stdout through pino; metrics are not exported yet. Both stay off even if an
    // OTEL_*_EXPORTER variable is set, so nothing is sent to a default collector address.
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        // The services' outgoing HTTP calls go to S3 (and the OTLP exporter). With nothing exported
        // there is no trace for them to appear in, so they are not wrapped at all.
        disableOutgoingRequestInstrumentation: !exporting,
      }),
    ],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= sdk.shutdown().catch((error: unknown) => {
      diag.error('telemetry shutdown failed', error);
    });
    return stopped;
  };
}

/** Sends OpenTelemetry's own diagnostics to a logger (they go nowhere by default). */
export function routeTelemetryDiagnostics(logger: DiagLogger, level: DiagLogLevel = DiagLogLevel.WARN): void {
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
}
