import type { ReviewDecision } from '@argus/contracts';
import type { Database } from './database';

/** What continual-fine-tune's triggers read of a line (its LineLearningState without the clock). */
export interface LineLearningStateRecord {
  /** When the line's latest training job was asked for. */
  readonly lastJobAt: Date | null;
  /** When the line's production model was put into production (the schedule's start before any job). */
  readonly productionSince: Date;
  /** A job of the line is queued or running. */
  readonly jobActive: boolean;
  /** Frames whose resolved label changed since the last job (all of them before the first). */
  readonly newLabelledFrames: number;
  /** Classes in those frames' labels, and how many of the frames show each (a frame counts once per class). */
  readonly newLabelledClassFrames: Readonly<Record<string, number>>;
  /** Classes the line's production model detects. */
  readonly productionClasses: readonly string[];
  /**
   * The latest decision on each of the line's most recent reviewed defect alerts, oldest first
   * (audit items are not alerts: a "no defect" on one is no false alarm of the model).
   */
  readonly recentDecisions: readonly ReviewDecision[];
  /** Best detection score per scored frame, before the last job and since it (null without a last job, or when not asked). */
  readonly scores: { readonly reference: readonly number[]; readonly recent: readonly number[] } | null;
}

export interface LineLearningStateOptions {
  /** How many of the most recent reviewed alerts to read (0: none). */
  readonly decisions: number;
  /** At most this many frames on each side of the last job (null: no scores). */
  readonly scoreFrames: number | null;
}

/**
 * The facts the fine-tune triggers decide on, read per line. Each read is bounded: the decisions
 * are driven by the line's newest alerts (ix_alert_line_created), the scores by its newest frames
 * on each side of the last job (ix_frame_line_ingested); neither grows with the line's history.
 */
export class LineLearningStateQuery {
  constructor(private readonly db: Database) {}

  /** Null when the line has no production model. */
  async stateOf(lineId: string, options: LineLearningStateOptions): Promise<LineLearningStateRecord | null> {
    const [production] = await this.db.query<{ classes: string[]; promoted_at: Date | string }>(
      `SELECT mv.classes, p.promoted_at FROM line_production_model p JOIN model_version mv ON mv.id = p.model_version_id WHERE p.line_id = $1`,
      [lineId],
    );
    if (!production) return null;
    const [jobs] = await this.db.query<{ last_job_at: Date | string | null; active: boolean | null }>(
      `SELECT max(created_at) AS last_job_at, bool_or(status IN ('queued', 'running')) AS active FROM training_job WHERE line_id = $1`,
      [lineId],
    );
    const lastJobAt = jobs?.last_job_at == null ? null : new Date(jobs.last_job_at);
    const since = lastJobAt?.toISOString() ?? null;
    const [labelled] = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM labelled_frame WHERE line_id = $1 AND ($2::timestamptz IS NULL OR changed_at > $2::timestamptz)`,
      [lineId, since],
    );
    const classes = await this.db.query<{ class_name: string; frames: number }>(
      `SELECT b.value->>'className' AS class_name, count(DISTINCT lf.frame_id)::int AS frames
         FROM labelled_frame lf
         CROSS JOIN LATERAL jsonb_array_elements(lf.label->'boxes') b
        WHERE lf.line_id = $1 AND ($2::timestamptz IS NULL OR lf.changed_at > $2::timestamptz)
        GROUP BY 1
        ORDER BY 1`,
      [lineId, since],
    );
    return {
      lastJobAt,
      productionSince: new Date(production.promoted_at),
      jobActive: jobs?.active === true,
      newLabelledFrames: labelled?.n ?? 0,
      newLabelledClassFrames: Object.fromEntries(classes.map((c) => [c.class_name, c.frames])),
      productionClasses: production.classes,
      recentDecisions: options.decisions > 0 ? await this.recentDecisions(lineId, options.decisions) : [],
      scores: options.scoreFrames !== null && since !== null ? await this.scores(lineId, since, options.scoreFrames) : null,
    };
  }

  /** Lines that have a production model, by id. */
  async linesWithProductionModel(): Promise<string[]> {
    const rows = await this.db.query<{ line_id: string }>(`SELECT line_id FROM line_production_model ORDER BY line_id`);
    return rows.map((r) => r.line_id);
  }

  private async recentDecisions(lineId: string, limit: number): Promise<ReviewDecision[]> {
    const rows = await this.db.query<{ decision: ReviewDecision }>(
      `SELECT r.decision
         FROM alert a
         CROSS JOIN LATERAL (
           SELECT decision FROM review WHERE alert_id = a.id ORDER BY created_at DESC, id DESC LIMIT 1
         ) r
        WHERE a.line_id = $1 AND a.status <> 'open' AND a.kind = 'defect'
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT $2`,
      [lineId, limit],
    );
    return rows.map((r) => r.decision).reverse();
  }

  private async scores(lineId: string, since: string, limit: number): Promise<{ reference: number[]; recent: number[] }> {
    const rows = await this.db.query<{ recent: boolean; best: number }>(
      `WITH picked AS (
         (SELECT f.id, false AS recent FROM frame f
           WHERE f.line_id = $1 AND f.ingested_at <= $2::timestamptz
             AND EXISTS (SELECT 1 FROM frame_inference fi WHERE fi.frame_id = f.id)
           ORDER BY f.ingested_at DESC, f.id DESC LIMIT $3)
         UNION ALL
         (SELECT f.id, true AS recent FROM frame f
           WHERE f.line_id = $1 AND f.ingested_at > $2::timestamptz
             AND EXISTS (SELECT 1 FROM frame_inference fi WHERE fi.frame_id = f.id)
           ORDER BY f.ingested_at DESC, f.id DESC LIMIT $3)
       )
       SELECT p.recent, COALESCE((SELECT max(d.score) FROM detection d WHERE d.frame_id = p.id), 0)::float8 AS best FROM picked p`,
      [lineId, since, limit],
    );
    return {
      reference: rows.filter((r) => !r.recent).map((r) => r.best),
      recent: rows.filter((r) => r.recent).map((r) => r.best),
    };
  }
}
