import { createLogger, DomainError, HttpErrorFilter } from '@argus/platform';
import { FrameNotFoundError, PersistenceError, RecordConflictError } from './persistence.errors';

const filter = new HttpErrorFilter(
  { reply: () => undefined, isHeadersSent: () => false, end: () => undefined },
  createLogger({ service: 'test', version: '0.0.0', destination: { write: () => undefined } }),
  { 'frame.not-found': 404 },
);

describe('persistence errors', () => {
  it('are domain errors that keep their code and class name', () => {
    const error = new RecordConflictError('model-version', 'v1');
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(PersistenceError);
    expect(error).toMatchObject({ code: 'model-version.conflict', name: 'RecordConflictError' });
  });

  it('are mapped by the platform HTTP filter through their code', () => {
    expect(filter.answerFor(new FrameNotFoundError('f-1'))).toMatchObject({
      status: 404,
      body: { error: { code: 'frame.not-found', message: 'frame "f-1" does not exist' } },
    });
  });
});
