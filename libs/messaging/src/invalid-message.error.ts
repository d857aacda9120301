import { DeadLetterErrorCodes } from '@argus/contracts';
import { DomainError } from '@argus/platform';

/** One validation problem, as zod reports it (path into the message, message). */
export interface MessageIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A message that is not valid JSON or does not satisfy its topic's schema. `publish` throws it
 * (nothing is sent); consumers dead-letter such a message with code `invalid-message`.
 */
export class InvalidMessageError extends DomainError {
  declare readonly code: typeof DeadLetterErrorCodes.invalidMessage;

  constructor(
    readonly topic: string,
    readonly issues: readonly MessageIssue[],
    context = 'invalid message',
  ) {
    super(DeadLetterErrorCodes.invalidMessage, `${context} for topic "${topic}": ${describeIssues(issues)}`);
  }
}

/** `path: message; path: message` — one line, fit for a log field or a Kafka header. */
export function describeIssues(issues: readonly MessageIssue[]): string {
  return issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
}
