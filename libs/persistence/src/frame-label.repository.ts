import type { LabelledBox, ReviewDecision } from '@argus/contracts';
import type { Database } from './database';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

/** One operator review of a frame as training data (continual-fine-tune's FrameLabel). */
export interface FrameLabelRecord {
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly reviewId: string;
  readonly reviewerId: string;
  readonly decision: ReviewDecision;
  readonly boxes: readonly LabelledBox[];
  /** `defects` when the ground truth has boxes, `hard-negative` when it has none. */
  readonly kind: 'defects' | 'hard-negative';
  readonly objectKey: string;
  readonly templateKey: string | null;
  /** ISO 8601. */
  readonly reviewedAt: string;
}

/** Reviews of one frame that disagree, kept as the service resolved them (continual-fine-tune's LabelConflict). */
export interface LabelConflictRecord {
  readonly frameId: string;
  readonly reviews: readonly Pick<FrameLabelRecord, 'reviewId' | 'reviewerId' | 'decision' | 'reviewedAt' | 'boxes'>[];
  readonly winnerReviewId: string;
  readonly rule: string;
}

/** The label a frame's reviews resolve to (continual-fine-tune's ResolvedFrameLabel). */
export interface ResolvedFrameLabelRecord {
  readonly label: FrameLabelRecord;
  readonly conflict: LabelConflictRecord | null;
}

/** What the frame store knows of a labelled frame besides its label. */
export interface LabelledFrameFacts {
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
}

interface FrameLabelRow {
  review_id: string;
  frame_id: string;
  line_id: string;
  camera_id: string;
  reviewer_id: string;
  decision: ReviewDecision;
  boxes: LabelledBox[];
  object_key: string;
  template_key: string | null;
  reviewed_at: Date | string;
}

/**
 * Operators' reviews as training labels (`frame_label`, one row per review) and the label each
 * frame's reviews resolve to (`labelled_frame`). Which review wins is the service's rule; this
 * repository only keeps what it is given.
 */
export class FrameLabelRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records the review (once: a second record of the same review id changes nothing) and returns
   * every label of its frame, oldest review first; null when the frame is not stored.
   */
  async record(label: FrameLabelRecord): Promise<FrameLabelRecord[] | null> {
    try {
      await this.db.query(
        `INSERT INTO frame_label (review_id, frame_id, line_id, camera_id, reviewer_id, decision, boxes, object_key, template_key, reviewed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
         ON CONFLICT (review_id) DO NOTHING`,
        [
          label.reviewId,
          label.frameId,
          label.lineId,
          label.cameraId,
          label.reviewerId,
          label.decision,
          JSON.stringify(label.boxes),
          label.objectKey,
          label.templateKey,
          label.reviewedAt,
        ],
      );
    } catch (error) {
      if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_frame_label_frame')) return null;
      throw error;
    }
    const rows = await this.db.query<FrameLabelRow>(
      `SELECT review_id, frame_id, line_id, camera_id, reviewer_id, decision, boxes, object_key, template_key, reviewed_at
         FROM frame_label WHERE frame_id = $1 ORDER BY reviewed_at, review_id`,
      [label.frameId],
    );
    if (rows.length === 0) {
      // The review id was recorded before for another frame, so nothing was inserted to check this one.
      const frame = await this.db.query(`SELECT 1 FROM frame WHERE id = $1`, [label.frameId]);
      if (frame.length === 0) return null;
    }
    return rows.map(toFrameLabel);
  }

  /**
   * Stores the frame's resolved label. `changed_at` moves only when the label or its conflict
   * differs from the stored one, so a redelivered review does not count as a new label.
   */
  async saveResolved(resolved: ResolvedFrameLabelRecord): Promise<void> {
    const { label } = resolved;
    await this.db.query(
      `INSERT INTO labelled_frame (frame_id, line_id, winner_review_id, label, conflict, changed_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, clock_timestamp())
       ON CONFLICT (frame_id) DO UPDATE
          SET line_id = EXCLUDED.line_id, winner_review_id = EXCLUDED.winner_review_id, label = EXCLUDED.label,
              conflict = EXCLUDED.conflict, changed_at = clock_timestamp()
        WHERE (labelled_frame.label, labelled_frame.conflict) IS DISTINCT FROM (EXCLUDED.label, EXCLUDED.conflict)`,
      [
        label.frameId,
        label.lineId,
        label.reviewId,
        JSON.stringify(label),
        resolved.conflict === null ? null : JSON.stringify(resolved.conflict),
      ],
    );
  }

  /** Every resolved label of the line, by frame id, with the frame's content hash and size. */
  async labelsOf(lineId: string): Promise<{ resolved: ResolvedFrameLabelRecord; frame: LabelledFrameFacts }[]> {
    const rows = await this.db.query<{
      label: FrameLabelRecord;
      conflict: LabelConflictRecord | null;
      sha256: string;
      width: number;
      height: number;
    }>(
      `SELECT lf.label, lf.conflict, f.sha256, f.width, f.height
         FROM labelled_frame lf
         JOIN frame f ON f.id = lf.frame_id
        WHERE lf.line_id = $1
        ORDER BY lf.frame_id`,
      [lineId],
    );
    return rows.map((r) => ({
      resolved: { label: r.label, conflict: r.conflict },
      frame: { sha256: r.sha256, width: r.width, height: r.height },
    }));
  }
}

function toFrameLabel(row: FrameLabelRow): FrameLabelRecord {
  return {
    frameId: row.frame_id,
    lineId: row.line_id,
    cameraId: row.camera_id,
    reviewId: row.review_id,
    reviewerId: row.reviewer_id,
    decision: row.decision,
    boxes: row.boxes,
    kind: row.boxes.length > 0 ? 'defects' : 'hard-negative',
    objectKey: row.object_key,
    templateKey: row.template_key,
    reviewedAt: (row.reviewed_at instanceof Date ? row.reviewed_at : new Date(row.reviewed_at)).toISOString(),
  };
}
