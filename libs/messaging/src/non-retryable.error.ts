import { DeadLetterErrorCodes } from '@argus/contracts';

/**
 * Thrown by a handler when retrying cannot help (the referenced frame does not exist, the input
 * is semantically wrong...). The message is dead-lettered at once; `code` becomes the
 * `argus-dlq-error-code` header (default `handler-failed`).
 */
export class NonRetryableError extends Error {
  readonly code: string;

  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NonRetryableError';
    this.code = options.code ?? DeadLetterErrorCodes.handlerFailed;
  }
}
