import { DomainError } from '@argus/platform';
import type { z } from 'zod';

/** The code of a request the API refuses as malformed (the contract's 400 answer). */
export const INVALID_REQUEST = 'invalid-request';

/** The console's own error codes → HTTP status (merged into the service's error map). */
export const CONSOLE_REQUEST_ERROR_HTTP_STATUS = { [INVALID_REQUEST]: 400 } as const;

/**
 * Parses a request part (body, query, params) with its zod schema; a mismatch is
 * `400 invalid-request` with every issue as `{path, message}` (the contract's error shape).
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, part: 'body' | 'query' | 'params'): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: [part, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new DomainError(INVALID_REQUEST, `invalid request ${part}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}
