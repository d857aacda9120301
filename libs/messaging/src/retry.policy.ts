import { DeadLetterErrorCodes } from '@argus/contracts';
import type { RetryOptions } from './message-bus.port';
import { NonRetryableError } from './non-retryable.error';

/** What to do after a handler attempt failed. */
export type FailureDecision =
  | { readonly action: 'retry'; readonly delayMs: number }
  | { readonly action: 'dead-letter'; readonly code: string; readonly reason: string };

const MAX_REASON_LENGTH = 1000;

/**
 * The one place that maps a handler failure to "retry after a backoff" or "dead-letter with this
 * code": `NonRetryableError` dead-letters at once with its code; any other error is retried with
 * exponential backoff (initial, 2x, 4x... capped) until `attempts` is reached, then dead-lettered
 * as `handler-failed`.
 */
export class RetryPolicy {
  readonly attempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;

  constructor(options: RetryOptions) {
    const { attempts, initialBackoffMs, maxBackoffMs } = options;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new RangeError(`retry.attempts must be an integer >= 1, got ${attempts}`);
    }
    if (!Number.isFinite(initialBackoffMs) || initialBackoffMs < 0) {
      throw new RangeError(`retry.initialBackoffMs must be a finite number >= 0, got ${initialBackoffMs}`);
    }
    if (!Number.isFinite(maxBackoffMs) || maxBackoffMs < initialBackoffMs) {
      throw new RangeError(`retry.maxBackoffMs must be >= retry.initialBackoffMs, got ${maxBackoffMs}`);
    }
    this.attempts = attempts;
    this.initialBackoffMs = initialBackoffMs;
    this.maxBackoffMs = maxBackoffMs;
  }

  /** The wait after attempt `failedAttempt` (1-based) failed, before the next attempt. */
  backoffMs(failedAttempt: number): number {
    const exponent = Math.max(0, failedAttempt - 1);
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** exponent);
  }

  decide(error: unknown, attempt: number): FailureDecision {
    if (error instanceof NonRetryableError) {
      return { action: 'dead-letter', code: error.code, reason: reasonOf(error) };
    }
    if (attempt >= this.attempts) {
      return { action: 'dead-letter', code: DeadLetterErrorCodes.handlerFailed, reason: reasonOf(error) };
    }
    return { action: 'retry', delayMs: this.backoffMs(attempt) };
  }
}

function reasonOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : `thrown value: ${String(error)}`;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}
