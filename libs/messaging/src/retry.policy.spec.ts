import { DeadLetterErrorCodes } from '@argus/contracts';
import { NonRetryableError } from './non-retryable.error';
import { RetryPolicy } from './retry.policy';

describe('RetryPolicy', () => {
  const policy = new RetryPolicy({ attempts: 5, initialBackoffMs: 100, maxBackoffMs: 500 });

  it('doubles the backoff after each failed attempt, capped at maxBackoffMs', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => policy.backoffMs(attempt))).toEqual([100, 200, 400, 500, 500]);
  });

  it('retries until the last attempt, then dead-letters as handler-failed with the error as reason', () => {
    expect(policy.decide(new Error('db down'), 1)).toEqual({ action: 'retry', delayMs: 100 });
    expect(policy.decide(new Error('db down'), 4)).toEqual({ action: 'retry', delayMs: 500 });
    expect(policy.decide(new TypeError('db down'), 5)).toEqual({
      action: 'dead-letter',
      code: DeadLetterErrorCodes.handlerFailed,
      reason: 'TypeError: db down',
    });
  });

  it('dead-letters a NonRetryableError at once, with its code or handler-failed', () => {
    expect(policy.decide(new NonRetryableError('no such frame', { code: 'frame-missing' }), 1)).toEqual({
      action: 'dead-letter',
      code: 'frame-missing',
      reason: 'NonRetryableError: no such frame',
    });
    expect(policy.decide(new NonRetryableError('bad'), 1)).toMatchObject({ code: DeadLetterErrorCodes.handlerFailed });
  });

  it('describes thrown non-errors and truncates long reasons', () => {
    const single = new RetryPolicy({ attempts: 1, initialBackoffMs: 0, maxBackoffMs: 0 });
    expect(single.decide('plain string', 1)).toMatchObject({ reason: 'thrown value: plain string' });
    const decision = single.decide(new Error('x'.repeat(5000)), 1);
    expect(decision.action === 'dead-letter' && decision.reason.length).toBe(1000);
  });

  it('rejects nonsensical options', () => {
    expect(() => new RetryPolicy({ attempts: 0, initialBackoffMs: 1, maxBackoffMs: 1 })).toThrow(/attempts/);
    expect(() => new RetryPolicy({ attempts: 1.5, initialBackoffMs: 1, maxBackoffMs: 1 })).toThrow(/attempts/);
    expect(() => new RetryPolicy({ attempts: 2, initialBackoffMs: -1, maxBackoffMs: 1 })).toThrow(/initialBackoffMs/);
    expect(() => new RetryPolicy({ attempts: 2, initialBackoffMs: 10, maxBackoffMs: 5 })).toThrow(/maxBackoffMs/);
  });
});
