import { inTransaction, managerOf } from './database-handle.helper';
import type { Database } from './database';

/**
 * How much a frame is worth keeping, by what hangs off it: `plain` (no alert), `alerted` (an alert,
 * no review yet), `reviewed` (an operator reviewed one of its alerts: training data).
 */
export type FrameRetentionClass = 'plain' | 'alerted' | 'reviewed';

/** A frame retention may remove, with what it needs to remove its objects and to count its bytes. */
export interface RetentionCandidate {
  readonly id: string;
  readonly objectKey: string;
  readonly templateKey: string | null;
  readonly byteSize: number;
  readonly ingestedAt: Date;
  readonly retentionClass: FrameRetentionClass;
}

/** Per class, frames ingested before this instant have expired; null: that class never expires by age. */
export interface AgeCutoffs {
  readonly plain: Date | null;
  readonly alerted: Date | null;
  readonly reviewed: Date | null;
}

/** A frame to delete and the class it was chosen in (the delete re-checks it under lock). */
export interface FrameToDelete {
  readonly id: string;
  readonly retentionClass: FrameRetentionClass;
}

export interface DeletedFrame {
  readonly id: string;
  readonly objectKey: string;
  readonly templateKey: string | null;
  readonly byteSize: number;
  /** When its row was recorded (its objects were written just before). */
  readonly ingestedAt: Date;
}

export interface FrameDeletion {
  /** Rows gone (with their inferences, detections, alerts and, for a reviewed frame, reviews). */
  readonly deleted: readonly DeletedFrame[];
  /** Ids kept after all: gone meanwhile, or more protected than when chosen (an alert or review arrived). */
  readonly kept: readonly string[];
  /**
   * Template keys of the deleted frames that no frame row and no line template names any more:
   * their objects may go too.
   */
  readonly unreferencedTemplateKeys: readonly string[];
}

const CLASS_RANK: Record<FrameRetentionClass, number> = { plain: 0, alerted: 1, reviewed: 2 };

/** The class of frame `f`, in SQL (the alert's frame index and the review's alert index serve both probes). */
const CLASS_OF_F = `CASE
    WHEN EXISTS (SELECT 1 FROM alert a JOIN review r ON r.alert_id = a.id WHERE a.frame_id = f.id) THEN 'reviewed'
    WHEN EXISTS (SELECT 1 FROM alert a WHERE a.frame_id = f.id) THEN 'alerted'
    ELSE 'plain' END`;

const CANDIDATE_COLUMNS = 'f.id, f.object_key, f.template_key, f.byte_size, f.ingested_at';

interface CandidateRow {
  readonly id: string;
  readonly object_key: string;
  readonly template_key: string | null;
  readonly byte_size: number;
  readonly ingested_at: Date | string;
  readonly retention_class: FrameRetentionClass;
}

/**
 * The queries of frame retention (camera-ingest's retention worker decides what expires; this
 * only finds and deletes). Frames are found by line and ingest time through `ix_frame_line_ingested`,
 * oldest first, in bounded batches.
 */
export class FrameRetentionRepository {
  constructor(private readonly db: Database) {}

  /**
   * Up to `limit` of the line's frames that have expired by age, oldest first: a frame expires
   * when it was ingested before its class's cutoff. Frames kept (a longer cutoff for their class)
   * are skipped, so a batch is never filled with frames that stay.
   */
  async findExpiredByAge(lineId: string, cutoffs: AgeCutoffs, limit: number): Promise<RetentionCandidate[]> {
    const bounds = [cutoffs.plain, cutoffs.alerted, cutoffs.reviewed].filter((d): d is Date => d !== null);
    if (bounds.length === 0 || limit <= 0) return [];
    const latest = new Date(Math.max(...bounds.map((d) => d.getTime())));
    const rows = (await managerOf(this.db).query(
      `SELECT * FROM (
         SELECT ${CANDIDATE_COLUMNS}, ${CLASS_OF_F} AS retention_class
           FROM frame f
          WHERE f.line_id = $1 AND f.ingested_at < $2
       ) c
       WHERE (c.retention_class = 'plain' AND c.ingested_at < $3)
          OR (c.retention_class = 'alerted' AND c.ingested_at < $4)
          OR (c.retention_class = 'reviewed' AND c.ingested_at < $5)
       ORDER BY c.ingested_at, c.id
       LIMIT $6`,
      [lineId, latest, cutoffs.plain, cutoffs.alerted, cutoffs.reviewed, limit],
    )) as CandidateRow[];
    return rows.map(toCandidate);
  }

  /** The line's frames: how many, and the bytes of their images (`frame.byte_size`; per-frame templates are not counted). */
  async lineFrameBytes(lineId: string): Promise<{ frames: number; bytes: number }> {
    const [row] = (await managerOf(this.db).query(
      `SELECT count(*)::bigint AS frames, coalesce(sum(byte_size), 0)::bigint AS bytes FROM frame WHERE line_id = $1`,
      [lineId],
    )) as { frames: string | number; bytes: string | number }[];
    return { frames: Number(row?.frames ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /** Up to `limit` of the line's oldest frames of one class ingested before `ingestedBefore`, oldest first. */
  async findOldest(
    lineId: string,
    retentionClass: FrameRetentionClass,
    ingestedBefore: Date,
    limit: number,
  ): Promise<RetentionCandidate[]> {
    if (limit <= 0) return [];
    const rows = (await managerOf(this.db).query(
      `SELECT * FROM (
         SELECT ${CANDIDATE_COLUMNS}, ${CLASS_OF_F} AS retention_class
           FROM frame f
          WHERE f.line_id = $1 AND f.ingested_at < $2
       ) c
       WHERE c.retention_class = $3
       ORDER BY c.ingested_at, c.id
       LIMIT $4`,
      [lineId, ingestedBefore, retentionClass, limit],
    )) as CandidateRow[];
    return rows.map(toCandidate);
  }

  /**
   * Deletes the frames' rows in one transaction: their alerts (reviews cascade), then the frames
   * (inferences and detections cascade). The frames and their alerts are locked first and each
   * frame's class is read again: one that gained an alert or a review since it was chosen (its
   * class ranks above the one it was chosen in) is kept, and a review cannot be added to an alert
   * being deleted (it waits for the lock, then finds no alert). Objects are not touched: the caller
   * deletes them after this commits, so a crash leaves at worst objects without rows, never a row
   * without its object.
   */
  async deleteFrames(frames: readonly FrameToDelete[]): Promise<FrameDeletion> {
    if (frames.length === 0) return { deleted: [], kept: [], unreferencedTemplateKeys: [] };
    const chosen = new Map(frames.map((f) => [f.id, f.retentionClass]));
    const ids = [...chosen.keys()].sort();
    return inTransaction(this.db, async (manager) => {
      await manager.query(`SELECT id FROM frame WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
      await manager.query(`SELECT id FROM alert WHERE frame_id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
      // A new statement, a new snapshot: it sees every review committed before the locks were taken.
      const now = (await manager.query(`SELECT f.id, ${CLASS_OF_F} AS retention_class FROM frame f WHERE f.id = ANY($1::uuid[])`, [
        ids,
      ])) as { id: string; retention_class: FrameRetentionClass }[];
      const doomed = now.filter((row) => CLASS_RANK[row.retention_class] <= CLASS_RANK[chosen.get(row.id) ?? 'plain']).map((row) => row.id);
      const doomedSet = new Set(doomed);
      const kept = ids.filter((id) => !doomedSet.has(id));
      if (doomed.length === 0) return { deleted: [], kept, unreferencedTemplateKeys: [] };

      await manager.query(`DELETE FROM alert WHERE frame_id = ANY($1::uuid[])`, [doomed]);
      const deletedRows = (await manager.query(
        `DELETE FROM frame WHERE id = ANY($1::uuid[]) RETURNING id, object_key, template_key, byte_size, ingested_at`,
        [doomed],
      )) as unknown;
      const deleted = returnedRows<{
        id: string;
        object_key: string;
        template_key: string | null;
        byte_size: number;
        ingested_at: Date | string;
      }>(deletedRows).map((row) => ({
        id: row.id,
        objectKey: row.object_key,
        templateKey: row.template_key,
        byteSize: Number(row.byte_size),
        ingestedAt: new Date(row.ingested_at),
      }));
      const templateKeys = [...new Set(deleted.map((d) => d.templateKey).filter((k): k is string => k !== null))];
      const unreferencedTemplateKeys =
        templateKeys.length === 0
          ? []
          : (
              (await manager.query(
                `SELECT k.key FROM unnest($1::text[]) AS k(key)
                  WHERE NOT EXISTS (SELECT 1 FROM frame f WHERE f.template_key = k.key)
                    AND NOT EXISTS (SELECT 1 FROM line_template t WHERE t.object_key = k.key)
                  ORDER BY k.key`,
                [templateKeys],
              )) as { key: string }[]
            ).map((row) => row.key);
      return { deleted, kept, unreferencedTemplateKeys };
    });
  }
}

/** TypeORM returns a DELETE … RETURNING as `[rows, count]` on Postgres. */
function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

function toCandidate(row: CandidateRow): RetentionCandidate {
  return {
    id: row.id,
    objectKey: row.object_key,
    templateKey: row.template_key,
    byteSize: Number(row.byte_size),
    ingestedAt: new Date(row.ingested_at),
    retentionClass: row.retention_class,
  };
}
