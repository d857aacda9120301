import { createLogger, DomainError, HttpErrorFilter } from '@argus/platform';
import { ObjectNotFoundError, ObjectStoreError, ObjectStoreUnavailableError } from './object-store.errors';

const filter = new HttpErrorFilter(
  { reply: () => undefined, isHeadersSent: () => false, end: () => undefined },
  createLogger({ service: 'test', version: '0.0.0', destination: { write: () => undefined } }),
  { 'object-store.not-found': 404 },
);

describe('object store errors', () => {
  it('are domain errors that keep their code, class name and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new ObjectStoreUnavailableError('connect failed', { cause });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: 'object-store.unavailable', name: 'ObjectStoreUnavailableError', cause });
  });

  it('are mapped by the platform HTTP filter through their code', () => {
    expect(filter.answerFor(new ObjectNotFoundError('argus', 'frames/a.jpg'))).toMatchObject({
      status: 404,
      body: { error: { code: 'object-store.not-found', message: 'object "frames/a.jpg" not found in bucket "argus"' } },
    });
  });
});
