import { Controller, Get, Query } from '@nestjs/common';
import { ApiZodQuery, ZodValidationPipe } from '@argus/platform';
import type { z } from 'zod';
import { ApiZodResponse } from '../http/api-zod-response.decorator';
import { AuditItemPageSchema } from '../http/api-responses.schemas';
import { AuditItemListQuerySchema } from './alert-request.schemas';
import { AuditItemQueriesService } from './audit-item-queries.service';

/**
 * The audit queue: frames without an alert sampled for review, most uncertain first. An item is
 * read (`GET /api/v1/alerts/:id`) and reviewed (`POST /api/v1/alerts/:id/reviews`) as an alert:
 * confirm = the model's weak boxes were right, reject = nothing there, correct = the operator's boxes.
 */
@Controller('api/v1/audit-items')
export class AuditItemsController {
  constructor(private readonly queries: AuditItemQueriesService) {}

  @Get()
  @ApiZodResponse(AuditItemPageSchema)
  @ApiZodQuery(AuditItemListQuerySchema)
  async list(@Query(new ZodValidationPipe(AuditItemListQuerySchema, 'query')) q: z.output<typeof AuditItemListQuerySchema>) {
    return this.queries.list({
      ...(q.status === 'all' ? {} : { status: q.status }),
      ...(q.lineId ? { lineId: q.lineId } : {}),
      limit: q.limit,
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
  }
}
