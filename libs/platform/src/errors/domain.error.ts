/**
 * A failure the domain expects and names: a frame that is too large, a model version that does not
 * exist. `code` is stable and machine-readable (kebab-case, optionally dotted: `frame.too-large`);
 * `message` is safe to show to a client; `details` carries structured, non-secret context.
 * Each domain declares its codes as a union `C` (its errors extend `DomainError<C>`) and maps every
 * one of them to an HTTP status in one `ErrorHttpStatusMap<C>`; services combine those maps once, at
 * bootstrap (`bootstrapService({ errorHttpStatus })`).
 */
export class DomainError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Codes every service may use; each has a default HTTP status (see `DEFAULT_ERROR_HTTP_STATUS`). */
export const CommonErrorCodes = {
  validationFailed: 'validation-failed',
  /** A request whose body or query does not match its schema; `details.issues` says where. */
  invalidRequest: 'invalid-request',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  notFound: 'not-found',
  conflict: 'conflict',
  preconditionFailed: 'precondition-failed',
  payloadTooLarge: 'payload-too-large',
  unsupportedMediaType: 'unsupported-media-type',
  rateLimited: 'rate-limited',
  unavailable: 'unavailable',
} as const;
export type CommonErrorCode = (typeof CommonErrorCodes)[keyof typeof CommonErrorCodes];
