import { DeadLetterHeaders } from '@argus/contracts';
import type { RawHeaders } from './message.headers';

export interface DeadLetterDetails {
  readonly reason: string;
  readonly errorCode: string;
  readonly originalTopic: string;
  readonly originalPartition: number;
  readonly originalOffset: string;
  readonly originalKey: string | null;
  readonly consumerGroup: string;
  /** Handler attempts made (0 when the message was invalid and no handler ran). */
  readonly attempts: number;
  readonly failedAt: Date;
}

/** The `argus-dlq-*` headers of `libs/contracts/src/dead-letter.ts`. */
export function buildDeadLetterHeaders(details: DeadLetterDetails): Record<string, string> {
  const headers: Record<string, string> = {
    [DeadLetterHeaders.reason]: details.reason,
    [DeadLetterHeaders.errorCode]: details.errorCode,
    [DeadLetterHeaders.originalTopic]: details.originalTopic,
    [DeadLetterHeaders.originalPartition]: String(details.originalPartition),
    [DeadLetterHeaders.originalOffset]: details.originalOffset,
    [DeadLetterHeaders.consumerGroup]: details.consumerGroup,
    [DeadLetterHeaders.attempts]: String(details.attempts),
    [DeadLetterHeaders.failedAt]: details.failedAt.toISOString(),
  };
  if (details.originalKey !== null) headers[DeadLetterHeaders.originalKey] = details.originalKey;
  return headers;
}

/**
 * The dead-lettered message keeps its original headers (trace context included, values untouched)
 * and gains the dead-letter headers, which win over any original header of the same name.
 */
export function withDeadLetterHeaders(original: RawHeaders | undefined, details: DeadLetterDetails): RawHeaders {
  return { ...(original ?? {}), ...buildDeadLetterHeaders(details) };
}
