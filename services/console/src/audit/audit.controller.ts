import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodQuery, InvalidRequestError, ZodValidationPipe } from '@argus/platform';
import type { AuditEntry, AuditLogRepository } from '@argus/persistence';
import { z } from 'zod';
import { Roles } from '../identity/roles.decorator';
import { AUDIT_LOG } from './audit.tokens';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { AuditPageSchema } from '../http/api-responses.schemas';

const Filter = z.string().trim().min(1).max(500).optional();

export const AuditQuerySchema = z.object({
  actor: Filter,
  action: Filter,
  subjectType: Filter,
  subjectId: Filter,
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

/** `AuditEntry` of the API contract. */
export interface AuditEntryView {
  readonly id: string;
  readonly actor: string;
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly before: Readonly<Record<string, unknown>> | null;
  readonly after: Readonly<Record<string, unknown>> | null;
  readonly at: string;
}

@ApiTags('audit')
@Controller('api/v1/audit')
@Roles('admin', 'ml-engineer')
export class AuditController {
  constructor(@Inject(AUDIT_LOG) private readonly audit: AuditLogRepository) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first, filtered and paged' })
  @ApiZodResponse(AuditPageSchema)
  @ApiZodQuery(AuditQuerySchema)
  async list(
    @Query(new ZodValidationPipe(AuditQuerySchema, 'query')) query: z.output<typeof AuditQuerySchema>,
  ): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    const page = await this.audit.list(
      { actor: query.actor, action: query.action, subjectType: query.subjectType, subjectId: query.subjectId },
      { limit: query.limit, ...(query.cursor !== undefined ? { beforeId: decodeAuditCursor(query.cursor) } : {}) },
    );
    return {
      items: page.items.map(presentAuditEntry),
      nextCursor: page.nextBeforeId === null ? null : encodeAuditCursor(page.nextBeforeId),
    };
  }
}

export function presentAuditEntry(entry: AuditEntry): AuditEntryView {
  return { ...entry, at: entry.at.toISOString() };
}

/** Opaque to clients: base64url of `a:<id>`. */
export function encodeAuditCursor(id: string): string {
  return Buffer.from(`a:${id}`, 'utf8').toString('base64url');
}

export function decodeAuditCursor(cursor: string): string {
  const match = /^a:([0-9]{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1])
    throw new InvalidRequestError('query', [{ path: 'cursor', message: 'not a cursor of this list (pass nextCursor as it came)' }]);
  return match[1];
}
