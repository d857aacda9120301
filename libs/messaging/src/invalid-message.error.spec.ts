import { DeadLetterErrorCodes } from '@argus/contracts';
import { DomainError } from '@argus/platform';
import { InvalidMessageError } from './invalid-message.error';

describe('InvalidMessageError', () => {
  it('is a domain error with the invalid-message code, naming the topic and every issue', () => {
    const error = new InvalidMessageError('inspection.frame.ingested.v1', [
      { path: 'frameId', message: 'Required' },
      { path: '', message: 'not JSON' },
    ]);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: DeadLetterErrorCodes.invalidMessage, name: 'InvalidMessageError' });
    expect(error.message).toBe('invalid message for topic "inspection.frame.ingested.v1": frameId: Required; (root): not JSON');
  });
});
