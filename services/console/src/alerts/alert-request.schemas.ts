import { LabelledBoxSchema, ReviewDecisionSchema, SeveritySchema, SlugSchema, UuidSchema } from '@argus/contracts';
import { z } from 'zod';
import { PageLimitSchema } from '../http/keyset-cursor.codec';

/** `GET /api/v1/alerts` query. */
export const AlertListQuerySchema = z.object({
  status: z.enum(['open', 'confirmed', 'rejected', 'corrected', 'all']).default('open'),
  lineId: SlugSchema.optional(),
  cameraId: SlugSchema.optional(),
  severity: SeveritySchema.optional(),
  className: z.string().min(1).max(64).optional(),
  limit: PageLimitSchema,
  cursor: z.string().min(1).max(512).optional(),
});

/** `GET /api/v1/audit-items` query (the audit queue: open items unless asked otherwise). */
export const AuditItemListQuerySchema = z.object({
  status: z.enum(['open', 'confirmed', 'rejected', 'corrected', 'all']).default('open'),
  lineId: SlugSchema.optional(),
  limit: PageLimitSchema,
  cursor: z.string().min(1).max(512).optional(),
});

/** `GET /api/v1/alerts/count` query: the list's filter. */
export const AlertCountQuerySchema = AlertListQuerySchema.omit({ limit: true, cursor: true });

export const AlertIdParamsSchema = z.object({ id: UuidSchema });

/** `POST /api/v1/alerts/:id/reviews` body; boxes are the contracts' labelled boxes. */
export const ReviewRequestSchema = z.strictObject({
  decision: ReviewDecisionSchema,
  boxes: z.array(LabelledBoxSchema).max(1000).optional(),
  comment: z.string().max(2000).nullable().optional(),
  reviewId: UuidSchema.optional(),
});

/** `POST /api/v1/alerts/bulk-review` body: `confirm: true` is the client's confirmation step. */
export const BulkReviewRequestSchema = z.strictObject({
  decision: z.enum(['confirmed', 'rejected']),
  alertIds: z.array(UuidSchema).min(1).max(200),
  confirm: z.literal(true, { error: 'must be true: bulk decisions are confirmed by the operator first' }),
});
