import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';

/**
 * W3C trace context across the bus. `publish` runs in a PRODUCER span whose context is injected
 * into the message headers (`traceparent`/`tracestate`, through the globally registered
 * propagator); handlers run in a CONSUMER span whose parent is the context extracted from the
 * headers, so one trace follows a frame from camera to alert. Without an OpenTelemetry SDK the
 * spans are no-ops and the incoming context is passed through unchanged.
 */
export class MessageTracer {
  private readonly tracer = trace.getTracer('@argus/messaging');

  constructor(private readonly system: string) {}

  async publish<R>(topic: string, send: (traceHeaders: Record<string, string>) => Promise<R>): Promise<R> {
    return this.tracer.startActiveSpan(
      `send ${topic}`,
      { kind: SpanKind.PRODUCER, attributes: this.attributes({ 'messaging.destination.name': topic, 'messaging.operation.type': 'send' }) },
      async (span) => {
        const traceHeaders: Record<string, string> = {};
        propagation.inject(context.active(), traceHeaders);
        return this.finish(span, () => send(traceHeaders));
      },
    );
  }

  async process<R>(headers: Readonly<Record<string, string>>, attributes: Attributes, run: (span: Span) => Promise<R>): Promise<R> {
    const parent = propagation.extract(ROOT_CONTEXT, headers);
    const span = this.tracer.startSpan(
      `process ${String(attributes['messaging.destination.name'] ?? '')}`.trim(),
      { kind: SpanKind.CONSUMER, attributes: this.attributes({ ...attributes, 'messaging.operation.type': 'process' }) },
      parent,
    );
    return context.with(trace.setSpan(parent, span), () => this.finish(span, () => run(span)));
  }

  private async finish<R>(span: Span, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  private attributes(extra: Attributes): Attributes {
    return { 'messaging.system': this.system, ...extra };
  }
}
