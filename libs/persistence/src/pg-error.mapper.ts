/** SQLSTATEs we act on (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
export const PgErrorCodes = {
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  restrictViolation: '23001',
} as const;

export interface PgErrorInfo {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
}

/** The SQLSTATE and constraint of a pg error, whether raw or wrapped by TypeORM's QueryFailedError. */
export function pgErrorInfo(error: unknown): PgErrorInfo {
  if (typeof error !== 'object' || error === null) return { code: undefined, constraint: undefined };
  const direct = error as { code?: unknown; constraint?: unknown; driverError?: unknown };
  const source = (typeof direct.code === 'string' ? direct : direct.driverError) as { code?: unknown; constraint?: unknown } | undefined;
  return {
    code: typeof source?.code === 'string' ? source.code : undefined,
    constraint: typeof source?.constraint === 'string' ? source.constraint : undefined,
  };
}

export function isPgError(error: unknown, code: string, constraint?: string): boolean {
  const info = pgErrorInfo(error);
  return info.code === code && (constraint === undefined || info.constraint === constraint);
}
