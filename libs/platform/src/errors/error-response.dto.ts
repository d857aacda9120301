/** The one JSON shape every HTTP error has, whatever raised it. */
export interface ErrorResponseBody {
  error: {
    /** Stable, machine-readable: `not-found`, `frame.too-large`, `internal-error`. */
    code: string;
    message: string;
    /** Present on 5xx answers; the same id is on the error log line. */
    errorId?: string;
    details?: Record<string, unknown>;
  };
}
