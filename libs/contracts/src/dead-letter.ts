/**
 * Dead-letter convention. A message that fails validation, or whose handler keeps failing after
 * the bounded retries, is copied byte-for-byte to `<original topic>.dlq` with these headers.
 * Nothing is acknowledged and dropped: the DLQ is the only place a message may go instead of a
 * successful handler.
 */
export const DEAD_LETTER_SUFFIX = '.dlq';

export function deadLetterTopicFor(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DEAD_LETTER_SUFFIX);
}

export const DeadLetterHeaders = {
  /** Human-readable reason: the validation issues or the handler's last error message. */
  reason: 'argus-dlq-reason',
  /** Machine-readable: `invalid-message` (schema/JSON), `handler-failed` (retries exhausted), or a domain error code. */
  errorCode: 'argus-dlq-error-code',
  originalTopic: 'argus-dlq-original-topic',
  originalPartition: 'argus-dlq-original-partition',
  originalOffset: 'argus-dlq-original-offset',
  originalKey: 'argus-dlq-original-key',
  consumerGroup: 'argus-dlq-consumer-group',
  attempts: 'argus-dlq-attempts',
  failedAt: 'argus-dlq-failed-at',
} as const;

export const DeadLetterErrorCodes = {
  invalidMessage: 'invalid-message',
  handlerFailed: 'handler-failed',
} as const;

/** W3C trace-context headers carried on every message, so one trace follows a frame to its alert. */
export const TraceHeaders = { traceparent: 'traceparent', tracestate: 'tracestate' } as const;
