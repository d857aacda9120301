import { isPgError, pgErrorInfo, PgErrorCodes } from './pg-error.mapper';

describe('pgErrorInfo', () => {
  it('reads code and constraint from a raw pg error', () => {
    const raw = Object.assign(new Error('fk'), { code: '23503', constraint: 'fk_frame_camera' });
    expect(pgErrorInfo(raw)).toEqual({ code: '23503', constraint: 'fk_frame_camera' });
    expect(isPgError(raw, PgErrorCodes.foreignKeyViolation, 'fk_frame_camera')).toBe(true);
    expect(isPgError(raw, PgErrorCodes.foreignKeyViolation)).toBe(true);
    expect(isPgError(raw, PgErrorCodes.foreignKeyViolation, 'fk_alert_frame')).toBe(false);
    expect(isPgError(raw, PgErrorCodes.uniqueViolation)).toBe(false);
  });

  it('reads them through a wrapper that keeps the driver error', () => {
    const wrapped = { message: 'query failed', driverError: { code: '23505', constraint: 'pk_frame' } };
    expect(pgErrorInfo(wrapped)).toEqual({ code: '23505', constraint: 'pk_frame' });
  });

  it('answers undefined for anything else', () => {
    expect(pgErrorInfo(new Error('plain'))).toEqual({ code: undefined, constraint: undefined });
    expect(pgErrorInfo('text')).toEqual({ code: undefined, constraint: undefined });
    expect(pgErrorInfo(null)).toEqual({ code: undefined, constraint: undefined });
  });
});
