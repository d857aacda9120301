import { z } from 'zod';
import { InvalidRequestError } from '@argus/platform';
import type { AlertRepository, AlertStatus, AlertWithFrame, ReviewRepository } from '@argus/persistence';
import { type AlertSummary, toAlertSummary } from './alert.presenter';

export interface AuditItemListQuery {
  readonly status?: AlertStatus;
  readonly lineId?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/** Opaque to clients: base64url of `{u, t, id}`, the last item's place in the audit queue's order. */
const AuditCursorSchema = z.object({ u: z.number().min(0).max(1), t: z.iso.datetime({ offset: true }), id: z.string().min(1).max(64) });

/**
 * The audit queue (issue 18 §1): frames without an alert that continual-fine-tune sampled for
 * review, most uncertain first (ties oldest first), keyset-paged in that order. They are reviewed
 * through the alerts' routes like any alert.
 */
export class AuditItemQueriesService {
  constructor(
    private readonly alerts: Pick<AlertRepository, 'findAuditItems'>,
    private readonly reviews: Pick<ReviewRepository, 'latestReviewsFor'>,
  ) {}

  async list(query: AuditItemListQuery): Promise<{ items: AlertSummary[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor);
    // One more than asked: whether it comes back tells if there is a next page.
    const rows = await this.alerts.findAuditItems(
      { ...(query.status ? { status: query.status } : {}), ...(query.lineId ? { lineId: query.lineId } : {}) },
      { limit: query.limit + 1, ...(after ? { after } : {}) },
    );
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    const reviewed = items.filter((a) => a.status !== 'open').map((a) => a.id);
    const latest = await this.reviews.latestReviewsFor(reviewed);
    return {
      items: items.map((a) => toAlertSummary(a, latest.get(a.id) ?? null)),
      nextCursor: rows.length > query.limit && last !== undefined ? encodeAuditCursor(last) : null,
    };
  }
}

export function encodeAuditCursor(item: AlertWithFrame): string {
  const position = { u: item.audit?.uncertainty ?? 0, t: item.createdAt.toISOString(), id: item.id };
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** A cursor from a previous page; anything else is `400 invalid-request`. */
export function decodeAuditCursor(cursor: string): { uncertainty: number; createdAt: Date; id: string } {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = AuditCursorSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidRequestError('query', [
      { path: 'cursor', message: 'not a cursor of this list: pass nextCursor from the previous page as is' },
    ]);
  }
  return { uncertainty: parsed.data.u, createdAt: new Date(parsed.data.t), id: parsed.data.id };
}
