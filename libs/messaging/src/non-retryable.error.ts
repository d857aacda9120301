import { DeadLetterErrorCodes } from '@argus/contracts';
import { DomainError } from '@argus/platform';

/**
 * Thrown by a handler when retrying cannot help (the referenced frame does not exist, the input
 * is semantically wrong...). The message is dead-lettered at once; `code` becomes the
 * `argus-dlq-error-code` header (default `handler-failed`).
 */
export class NonRetryableError extends DomainError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(
      options.code ?? DeadLetterErrorCodes.handlerFailed,
      message,
      undefined,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}
