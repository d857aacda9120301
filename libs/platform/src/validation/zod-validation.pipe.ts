import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { CommonErrorCodes, DomainError } from '../errors/domain.error';

/** One problem with a request: where (`alertIds.3`, `boxes.0.box.x2`; empty for the whole input) and what. */
export interface RequestIssue {
  readonly path: string;
  readonly message: string;
}

/** `400 invalid-request` with `details.issues` naming every problem, not just the first. */
export class InvalidRequestError extends DomainError {
  constructor(
    readonly part: string,
    readonly issues: readonly RequestIssue[],
  ) {
    super(CommonErrorCodes.invalidRequest, `the request ${part} is not valid: ${summary(issues)}`, { issues });
  }
}

/**
 * Validates (and parses: defaults, coercions) a request part with a zod schema:
 * `@Body(new ZodValidationPipe(LoginSchema, 'body')) body: Login`. The schema is the single source
 * of truth: the same object goes into the OpenAPI document (see `ApiZodBody`).
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    readonly schema: S,
    private readonly part: 'body' | 'query' | 'params' = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new InvalidRequestError(this.part, toIssues(result.error));
  }
}

export function toIssues(error: z.ZodError): RequestIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function summary(issues: readonly RequestIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  return shown.join('; ') + (issues.length > 3 ? `; and ${issues.length - 3} more` : '');
}
