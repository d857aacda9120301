import type { LabelledBox, ReviewDecision } from '@argus/contracts';
import { AlertEntity } from './entities/alert.entity';
import { ReviewEntity } from './entities/review.entity';
import type { Alert, AlertStatus } from './alert.repository';
import { toAlert } from './alert.mapper';
import { AuditLogRepository, type NewAuditEntry } from './audit-log.repository';
import { inTransaction, managerOf } from './database-handle.helper';
import type { Database } from './database';
import { AlertNotFoundError, RecordConflictError } from './persistence.errors';

export interface Review {
  readonly id: string;
  readonly alertId: string;
  readonly reviewerId: string;
  readonly decision: ReviewDecision;
  /** The frame's ground truth as the reviewer left it (empty for a rejected false positive). */
  readonly boxes: readonly LabelledBox[];
  readonly comment: string | null;
  readonly createdAt: Date;
}

/** A review with the reviewer's name: the username, `token:<name>` for a service token, else the id. */
export interface NamedReview extends Review {
  readonly reviewerName: string;
}

export interface NewReview {
  /** Optional: given by the console so a retried submission records once. */
  readonly id?: string;
  readonly alertId: string;
  readonly reviewerId: string;
  readonly decision: ReviewDecision;
  readonly boxes: readonly LabelledBox[];
  readonly comment?: string | null;
  /** The alert's status once this review is recorded, as the review domain decides it (`@argus/review`). */
  readonly alertStatus: AlertStatus;
  /**
   * The audit entry of a new review, built by the caller from what only the write knows (the
   * alert's status before, the review's id); appended in the same transaction, so the decision
   * and its audit entry commit together.
   */
  readonly audit?: (recorded: { readonly statusBefore: AlertStatus; readonly reviewId: string }) => NewAuditEntry;
}

export interface RecordedReview {
  readonly review: Review;
  /** The alert after the review: its status is the latest decision. */
  readonly alert: Alert;
  /** False when a review with this id was already recorded (a retried submission). */
  readonly created: boolean;
}

/**
 * Operator decisions. Every review is kept, so two reviewers who disagree are both on record.
 * Recording writes the review, the alert's status and the audit entry its caller decided, with the
 * alert row locked, so concurrent reviews of one alert apply in a definite order and a retried
 * submission (the same review id) records once.
 */
export class ReviewRepository {
  constructor(private readonly db: Database) {}

  async record(input: NewReview): Promise<RecordedReview> {
    return inTransaction(this.db, async (manager, tx) => {
      const locked = (await manager.query(`SELECT id, status FROM alert WHERE id = $1 FOR UPDATE`, [input.alertId])) as {
        status: AlertStatus;
      }[];
      const statusBefore = locked[0]?.status;
      if (statusBefore === undefined) throw new AlertNotFoundError(input.alertId);
      if (input.id !== undefined) {
        const existing = await manager.findOneBy(ReviewEntity, { id: input.id });
        if (existing) {
          if (existing.alertId !== input.alertId) throw new RecordConflictError('review', input.id);
          const alert = await manager.findOneByOrFail(AlertEntity, { id: input.alertId });
          return { review: toReview(existing), alert: toAlert(alert), created: false };
        }
      }
      const inserted = (await manager.query(
        `INSERT INTO review (id, alert_id, reviewer_id, decision, boxes, comment)
         VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5::jsonb, $6)
         RETURNING id`,
        [
          input.id ?? null,
          input.alertId,
          input.reviewerId,
          input.decision,
          JSON.stringify(input.boxes.map((b) => ({ className: b.className, box: b.box }))),
          input.comment ?? null,
        ],
      )) as { id: string }[];
      await manager.query(`UPDATE alert SET status = $2, updated_at = now() WHERE id = $1`, [input.alertId, input.alertStatus]);
      const reviewId = inserted[0]?.id;
      if (reviewId === undefined) throw new Error('BUG: INSERT … RETURNING returned no row');
      if (input.audit) await new AuditLogRepository(tx).append(input.audit({ statusBefore, reviewId }));
      const [review, alert] = await Promise.all([
        manager.findOneByOrFail(ReviewEntity, { id: reviewId }),
        manager.findOneByOrFail(AlertEntity, { id: input.alertId }),
      ]);
      return { review: toReview(review), alert: toAlert(alert), created: true };
    });
  }

  /** The alert's reviews, oldest first, with their reviewers' names (the console's alert page). */
  async reviewsWithReviewerNames(alertId: string): Promise<NamedReview[]> {
    const rows = (await managerOf(this.db).query(
      `SELECT r.id, COALESCE(u.username, 'token:' || t.name, r.reviewer_id::text) AS reviewer_name
         FROM review r
         LEFT JOIN app_user u ON u.id = r.reviewer_id
         LEFT JOIN service_token t ON t.id = r.reviewer_id
        WHERE r.alert_id = $1`,
      [alertId],
    )) as { id: string; reviewer_name: string }[];
    const names = new Map(rows.map((r) => [r.id, r.reviewer_name]));
    return (await this.reviewsFor(alertId)).map((review) => ({ ...review, reviewerName: names.get(review.id) ?? review.reviewerId }));
  }

  /**
   * The latest review of each of these alerts (the one its status follows), with the reviewer's
   * name; an alert never reviewed is absent. One query over ix_review_alert_created.
   */
  async latestReviewsFor(alertIds: readonly string[]): Promise<Map<string, NamedReview>> {
    if (alertIds.length === 0) return new Map();
    const rows = (await managerOf(this.db).query(
      `SELECT DISTINCT ON (r.alert_id)
              r.id, r.alert_id, r.reviewer_id, r.decision, r.boxes, r.comment, r.created_at,
              COALESCE(u.username, 'token:' || t.name, r.reviewer_id::text) AS reviewer_name
         FROM review r
         LEFT JOIN app_user u ON u.id = r.reviewer_id
         LEFT JOIN service_token t ON t.id = r.reviewer_id
        WHERE r.alert_id = ANY($1::uuid[])
        ORDER BY r.alert_id, r.created_at DESC, r.id DESC`,
      [[...new Set(alertIds)]],
    )) as LatestReviewRow[];
    return new Map(
      rows.map((row) => [
        row.alert_id,
        {
          id: row.id,
          alertId: row.alert_id,
          reviewerId: row.reviewer_id,
          decision: row.decision as ReviewDecision,
          boxes: typeof row.boxes === 'string' ? (JSON.parse(row.boxes) as LabelledBox[]) : row.boxes,
          comment: row.comment,
          createdAt: new Date(row.created_at),
          reviewerName: row.reviewer_name,
        },
      ]),
    );
  }

  /** The alert's reviews, oldest first. */
  async reviewsFor(alertId: string): Promise<Review[]> {
    const rows = await managerOf(this.db).find(ReviewEntity, {
      where: { alertId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return rows.map(toReview);
  }
}

interface LatestReviewRow {
  id: string;
  alert_id: string;
  reviewer_id: string;
  decision: string;
  boxes: LabelledBox[] | string;
  comment: string | null;
  created_at: Date | string;
  reviewer_name: string;
}

function toReview(row: ReviewEntity): Review {
  return {
    id: row.id,
    alertId: row.alertId,
    reviewerId: row.reviewerId,
    decision: row.decision as ReviewDecision,
    boxes: row.boxes,
    comment: row.comment,
    createdAt: row.createdAt,
  };
}
