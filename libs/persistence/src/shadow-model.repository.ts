import type { Detection } from '@argus/contracts';
import type { Database } from './database';
import { hotRows, hotStatement } from './database-handle.helper';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

// DELETE … RETURNING answers its rows through hotRows (a plain query answers them with the row count).
const END_SHADOW = hotStatement('shadow_end', `DELETE FROM line_shadow_model WHERE line_id = $1 RETURNING model_version_id`);
const END_IF_PROMOTED = hotStatement(
  'shadow_end_if_promoted',
  `DELETE FROM line_shadow_model s
    USING line_production_model p
    WHERE s.line_id = $1 AND p.line_id = s.line_id AND p.model_version_id = s.model_version_id
    RETURNING s.model_version_id`,
);
// Once per shadow-scored frame: a named prepared statement.
const SAVE_DETECTIONS = hotStatement(
  'shadow_save_detections',
  `INSERT INTO shadow_detection (frame_id, model_version_id, line_id, detections, inference_ms)
   VALUES ($1, $2, $3, $4::jsonb, $5)
   ON CONFLICT (frame_id, model_version_id) DO NOTHING
   RETURNING frame_id`,
);

/** A line's shadow: the version scored beside production, who set it and why. */
export interface LineShadowModel {
  readonly lineId: string;
  readonly modelVersionId: string;
  readonly since: Date;
  readonly setBy: string;
  readonly reason: string;
}

/** What detection-inference needs to load and run a shadow version. */
export interface ShadowModelVersion {
  readonly lineId: string;
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly artifactKey: string;
  readonly classes: readonly string[];
  readonly usesTemplate: boolean;
}

export interface NewLineShadow {
  readonly lineId: string;
  readonly modelVersionId: string;
  readonly setBy: string;
  readonly reason: string;
}

/** `changed` false when the line already shadowed this version (a repeated request). */
export interface ShadowChange {
  readonly changed: boolean;
  readonly previousModelVersionId: string | null;
}

export interface NewShadowDetections {
  readonly frameId: string;
  readonly lineId: string;
  readonly modelVersionId: string;
  readonly detections: readonly Detection[];
  readonly inferenceMs: number | null;
}

/** `stored`; `existed` when the frame already had this version's results; `frame-missing` when the frame is gone. */
export type ShadowDetectionsSave = 'stored' | 'existed' | 'frame-missing';

interface ShadowRow {
  line_id: string;
  model_version_id: string;
  since: Date | string;
  set_by: string;
  reason: string;
}

/**
 * Shadow models: the per-line shadow pointer (`line_shadow_model`) and the shadow's detections
 * (`shadow_detection`), kept apart from the frame's results so nothing that alerts, reviews or
 * counts frames ever reads them.
 *
 * A shadow that the line promoted meanwhile is no shadow any more: `shadowModelFor` and `current`
 * skip it (and `endIfPromoted` deletes the row), so a promotion ends the shadow at once whoever
 * promoted it.
 */
export class ShadowModelRepository {
  constructor(private readonly db: Database) {}

  /**
   * Makes `modelVersionId` the line's shadow, replacing the previous one (answered, to announce).
   * The line's row is locked while it changes, so two concurrent requests answer one after the other.
   */
  async setShadow(shadow: NewLineShadow): Promise<ShadowChange> {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT id FROM production_line WHERE id = $1 FOR UPDATE`, [shadow.lineId]);
      const [before] = await tx.query<{ model_version_id: string }>(`SELECT model_version_id FROM line_shadow_model WHERE line_id = $1`, [
        shadow.lineId,
      ]);
      if (before?.model_version_id === shadow.modelVersionId) return { changed: false, previousModelVersionId: null };
      await tx.query(
        `INSERT INTO line_shadow_model (line_id, model_version_id, set_by, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (line_id) DO UPDATE
           SET model_version_id = EXCLUDED.model_version_id, since = now(), set_by = EXCLUDED.set_by, reason = EXCLUDED.reason`,
        [shadow.lineId, shadow.modelVersionId, shadow.setBy, shadow.reason],
      );
      return { changed: true, previousModelVersionId: before?.model_version_id ?? null };
    });
  }

  /** Ends the line's shadow; answers the version that was shadowed (null: none was). */
  async endShadow(lineId: string): Promise<string | null> {
    const rows = await hotRows<{ model_version_id: string }>(this.db, END_SHADOW, [lineId]);
    return rows[0]?.model_version_id ?? null;
  }

  /** Deletes the line's shadow row when its version is the line's production model now; answers that version. */
  async endIfPromoted(lineId: string): Promise<string | null> {
    const rows = await hotRows<{ model_version_id: string }>(this.db, END_IF_PROMOTED, [lineId]);
    return rows[0]?.model_version_id ?? null;
  }

  /** The line's shadow pointer (null when none, or when its version is in production now). */
  async current(lineId: string): Promise<LineShadowModel | null> {
    const [row] = await this.db.query<ShadowRow>(
      `SELECT s.line_id, s.model_version_id, s.since, s.set_by, s.reason
         FROM line_shadow_model s
         LEFT JOIN line_production_model p ON p.line_id = s.line_id
        WHERE s.line_id = $1 AND p.model_version_id IS DISTINCT FROM s.model_version_id`,
      [lineId],
    );
    return row
      ? { lineId: row.line_id, modelVersionId: row.model_version_id, since: new Date(row.since), setBy: row.set_by, reason: row.reason }
      : null;
  }

  /** The line's shadow version with what a runtime needs to load it; null as for `current`. */
  async shadowModelFor(lineId: string): Promise<ShadowModelVersion | null> {
    const [row] = await this.db.query<{
      id: string;
      name: string;
      version: string;
      artifact_key: string;
      classes: string[];
      uses_template: boolean;
    }>(
      `SELECT v.id, v.name, v.version, v.artifact_key, v.classes, v.uses_template
         FROM line_shadow_model s
         JOIN model_version v ON v.id = s.model_version_id
         LEFT JOIN line_production_model p ON p.line_id = s.line_id
        WHERE s.line_id = $1 AND p.model_version_id IS DISTINCT FROM s.model_version_id`,
      [lineId],
    );
    return row
      ? {
          lineId,
          id: row.id,
          name: row.name,
          version: row.version,
          artifactKey: row.artifact_key,
          classes: row.classes,
          usesTemplate: row.uses_template,
        }
      : null;
  }

  /** Stores what the shadow found on a frame, once per frame and version. */
  async saveDetections(input: NewShadowDetections): Promise<ShadowDetectionsSave> {
    try {
      const rows = await hotRows<{ frame_id: string }>(this.db, SAVE_DETECTIONS, [
        input.frameId,
        input.modelVersionId,
        input.lineId,
        JSON.stringify(input.detections),
        input.inferenceMs,
      ]);
      return rows.length > 0 ? 'stored' : 'existed';
    } catch (error) {
      // Retention deleted the frame while the shadow scored it: nothing to keep.
      if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_shadow_detection_frame')) return 'frame-missing';
      throw error;
    }
  }

  /** The shadow's detections of a frame (null when this version did not score it). */
  async detectionsFor(frameId: string, modelVersionId: string): Promise<Detection[] | null> {
    const [row] = await this.db.query<{ detections: Detection[] }>(
      `SELECT detections FROM shadow_detection WHERE frame_id = $1 AND model_version_id = $2`,
      [frameId, modelVersionId],
    );
    return row ? row.detections : null;
  }
}
