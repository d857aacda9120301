import { combineErrorHttpStatus, DEFAULT_ERROR_HTTP_STATUS } from './error-http-status.map';

describe('combineErrorHttpStatus', () => {
  it('combines the domains’ maps; a code two domains share keeps its one status', () => {
    expect(
      combineErrorHttpStatus({ 'frame.too-large': 413, 'line.not-found': 404 }, { 'line.not-found': 404, 'alert.conflict': 409 }),
    ).toEqual({
      'frame.too-large': 413,
      'line.not-found': 404,
      'alert.conflict': 409,
    });
    expect(combineErrorHttpStatus()).toEqual({});
  });

  it('refuses a code mapped to two statuses', () => {
    expect(() => combineErrorHttpStatus({ 'line.not-found': 404 }, { 'line.not-found': 410 })).toThrow(
      'error code "line.not-found" is mapped to HTTP 404 and to HTTP 410: one code, one status',
    );
  });

  it('leaves the common codes to the platform (the filter adds them)', () => {
    expect(DEFAULT_ERROR_HTTP_STATUS['not-found']).toBe(404);
  });
});
