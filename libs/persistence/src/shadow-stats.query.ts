import type { Detection, LabelledBox } from '@argus/contracts';
import type { Database } from './database';

/** A version that shadowed a line, with how much it scored there. */
export interface LineShadowVersion {
  readonly lineId: string;
  readonly modelVersionId: string;
  readonly name: string;
  readonly version: string;
  /** True while it is the line's shadow (not ended, not promoted). */
  readonly current: boolean;
  /** Frames it scored on the line. */
  readonly framesScored: number;
  readonly firstScoredAt: Date | null;
  readonly lastScoredAt: Date | null;
}

/** One frame scored by both the shadow and production, with ground truth when reviewed (registry's ShadowComparedFrame). */
export interface ShadowComparedFrameRecord {
  readonly frameId: string;
  /** The production version whose stored detections are compared. */
  readonly productionModelVersionId: string;
  readonly production: Detection[];
  readonly shadow: Detection[];
  /** The resolved label's boxes; null when no one reviewed the frame. */
  readonly groundTruth: LabelledBox[] | null;
}

export interface ShadowComparison {
  readonly lineId: string;
  readonly modelVersionId: string;
  /** The newest frames scored by both, newest first, at most `limit`. */
  readonly frames: ShadowComparedFrameRecord[];
  /** Per class, the line's alert threshold (`line_alert_rule.min_score`). */
  readonly thresholds: Record<string, number>;
}

export const DEFAULT_SHADOW_COMPARISON_LIMIT = 5_000;
const MAX_SHADOW_COMPARISON_LIMIT = 50_000;

/**
 * What the console's shadow statistics read: the versions that shadowed a line, and for one of
 * them the frames scored by both it and production, with the operators' ground truth where a frame
 * was reviewed. The statistics themselves (matching, precision, recall) are decided by
 * `shadowAgreement` in @argus/registry, applied to `comparison(…)`; this query only reads.
 *
 * "Production" for a frame is the non-shadow result stored with it (`frame_inference`); if a frame
 * was scored by several versions (a redelivery across a promotion), the oldest result stands, as it
 * is the one alerts were decided on.
 */
export class ShadowStatsQuery {
  constructor(private readonly db: Database) {}

  /** Every version that shadowed the line (current one first, then newest scoring first). */
  async versionsOf(lineId: string): Promise<LineShadowVersion[]> {
    const rows = await this.db.query<{
      model_version_id: string;
      name: string;
      version: string;
      current: boolean;
      frames_scored: string | number;
      first_scored_at: Date | string | null;
      last_scored_at: Date | string | null;
    }>(
      `WITH scored AS (
         SELECT model_version_id, count(*) AS frames_scored, min(created_at) AS first_scored_at, max(created_at) AS last_scored_at
           FROM shadow_detection WHERE line_id = $1 GROUP BY model_version_id
       ), current_shadow AS (
         SELECT s.model_version_id
           FROM line_shadow_model s
           LEFT JOIN line_production_model p ON p.line_id = s.line_id
          WHERE s.line_id = $1 AND p.model_version_id IS DISTINCT FROM s.model_version_id
       ), versions AS (
         SELECT model_version_id FROM scored UNION SELECT model_version_id FROM current_shadow
       )
       SELECT v.model_version_id, mv.name, mv.version,
              (c.model_version_id IS NOT NULL) AS current,
              COALESCE(sc.frames_scored, 0) AS frames_scored, sc.first_scored_at, sc.last_scored_at
         FROM versions v
         JOIN model_version mv ON mv.id = v.model_version_id
         LEFT JOIN scored sc ON sc.model_version_id = v.model_version_id
         LEFT JOIN current_shadow c ON c.model_version_id = v.model_version_id
        ORDER BY (c.model_version_id IS NOT NULL) DESC, sc.last_scored_at DESC NULLS LAST, v.model_version_id`,
      [lineId],
    );
    return rows.map((row) => ({
      lineId,
      modelVersionId: row.model_version_id,
      name: row.name,
      version: row.version,
      current: row.current,
      framesScored: Number(row.frames_scored),
      firstScoredAt: row.first_scored_at === null ? null : new Date(row.first_scored_at),
      lastScoredAt: row.last_scored_at === null ? null : new Date(row.last_scored_at),
    }));
  }

  /** The frames of the line scored by both `modelVersionId` (as shadow) and production, newest first. */
  async comparison(lineId: string, modelVersionId: string, options: { limit?: number } = {}): Promise<ShadowComparison> {
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_SHADOW_COMPARISON_LIMIT)), MAX_SHADOW_COMPARISON_LIMIT);
    const frames = await this.db.query<{
      frame_id: string;
      production_model_version_id: string;
      production: Detection[];
      shadow: Detection[];
      ground_truth: LabelledBox[] | null;
    }>(
      `SELECT s.frame_id, fi.model_version_id AS production_model_version_id, s.detections AS shadow,
              COALESCE(
                (SELECT jsonb_agg(jsonb_build_object('className', d.class_name, 'score', d.score,
                                                     'box', jsonb_build_object('x1', d.x1, 'y1', d.y1, 'x2', d.x2, 'y2', d.y2))
                                  ORDER BY d.ordinal)
                   FROM detection d WHERE d.frame_id = s.frame_id AND d.model_version_id = fi.model_version_id),
                '[]'::jsonb) AS production,
              lf.label -> 'boxes' AS ground_truth
         FROM shadow_detection s
         JOIN LATERAL (
           SELECT model_version_id FROM frame_inference
            WHERE frame_id = s.frame_id AND model_version_id <> s.model_version_id
            ORDER BY created_at, model_version_id LIMIT 1
         ) fi ON true
         LEFT JOIN labelled_frame lf ON lf.frame_id = s.frame_id
        WHERE s.line_id = $1 AND s.model_version_id = $2
        ORDER BY s.created_at DESC, s.frame_id
        LIMIT $3`,
      [lineId, modelVersionId, limit],
    );
    const rules = await this.db.query<{ class_name: string; min_score: number }>(
      `SELECT class_name, min_score FROM line_alert_rule WHERE line_id = $1`,
      [lineId],
    );
    return {
      lineId,
      modelVersionId,
      frames: frames.map((row) => ({
        frameId: row.frame_id,
        productionModelVersionId: row.production_model_version_id,
        production: row.production,
        shadow: row.shadow,
        groundTruth: row.ground_truth,
      })),
      thresholds: Object.fromEntries(rules.map((r) => [r.class_name, Number(r.min_score)])),
    };
  }
}
