import { DeadLetterErrorCodes } from '@argus/contracts';
import { DomainError } from '@argus/platform';
import { NonRetryableError } from './non-retryable.error';

describe('NonRetryableError', () => {
  it('is a domain error carrying its dead-letter code (handler-failed by default) and cause', () => {
    const cause = new Error('row missing');
    const error = new NonRetryableError('no such frame', { code: 'frame-missing', cause });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'frame-missing', name: 'NonRetryableError', message: 'no such frame', cause });
    expect(new NonRetryableError('bad').code).toBe(DeadLetterErrorCodes.handlerFailed);
    expect('cause' in new NonRetryableError('bad')).toBe(false);
  });
});
