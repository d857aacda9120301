import type { Database } from './database';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

/** Frames and boxes of one class in a data set version, per split. */
export interface DatasetClassCountRecord {
  readonly trainFrames: number;
  readonly holdoutFrames: number;
  readonly trainBoxes: number;
  readonly holdoutBoxes: number;
}

export interface DatasetCountsRecord {
  readonly frames: { readonly train: number; readonly holdout: number };
  readonly hardNegatives: { readonly train: number; readonly holdout: number };
  readonly perClass: Readonly<Record<string, DatasetClassCountRecord>>;
}

/** How a version differs from its parent. */
export interface DatasetChangesRecord {
  readonly added: readonly string[];
  readonly relabelled: readonly string[];
  readonly unchanged: number;
}

/** A data set version as recorded (continual-fine-tune's StoredDatasetVersion); its content is in the object store. */
export interface DatasetVersionRecord {
  readonly id: string;
  readonly lineId: string;
  readonly number: number;
  readonly parentId: string | null;
  readonly fingerprint: string;
  readonly holdoutShare: number;
  readonly classes: readonly string[];
  readonly counts: DatasetCountsRecord;
  readonly changes: DatasetChangesRecord;
  readonly contentKey: string;
  readonly manifestKey: string;
  readonly cocoKey: string;
  readonly producedBy: string;
  readonly createdAt: Date;
}

export type NewDatasetVersionRecord = Omit<DatasetVersionRecord, 'id' | 'createdAt'>;

interface DatasetVersionRow {
  id: string;
  line_id: string;
  number: number;
  parent_id: string | null;
  fingerprint: string;
  holdout_share: number;
  classes: string[];
  counts: DatasetCountsRecord;
  changes: DatasetChangesRecord;
  content_key: string;
  manifest_key: string;
  coco_key: string;
  produced_by: string;
  created_at: Date | string;
}

const COLUMNS = `id, line_id, number, parent_id, fingerprint, holdout_share, classes, counts, changes,
                 content_key, manifest_key, coco_key, produced_by, created_at`;

/** Data set versions: written once, numbered 1, 2, 3… per line, never changed. */
export class DatasetVersionRepository {
  constructor(private readonly db: Database) {}

  /** The line's version with the highest number, or null before its first. */
  async latest(lineId: string): Promise<DatasetVersionRecord | null> {
    const rows = await this.db.query<DatasetVersionRow>(
      `SELECT ${COLUMNS} FROM dataset_version WHERE line_id = $1 ORDER BY number DESC LIMIT 1`,
      [lineId],
    );
    return rows[0] ? toDatasetVersion(rows[0]) : null;
  }

  /** Records the version; null when the line already has a version with its number (made at the same time). */
  async create(version: NewDatasetVersionRecord): Promise<DatasetVersionRecord | null> {
    try {
      const rows = await this.db.query<DatasetVersionRow>(
        `INSERT INTO dataset_version (line_id, number, parent_id, fingerprint, holdout_share, classes, counts, changes,
                                      content_key, manifest_key, coco_key, produced_by)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, $12)
         RETURNING ${COLUMNS}`,
        [
          version.lineId,
          version.number,
          version.parentId,
          version.fingerprint,
          version.holdoutShare,
          JSON.stringify(version.classes),
          JSON.stringify(version.counts),
          JSON.stringify(version.changes),
          version.contentKey,
          version.manifestKey,
          version.cocoKey,
          version.producedBy,
        ],
      );
      const row = rows[0];
      if (!row) throw new Error('BUG: INSERT … RETURNING returned no row');
      return toDatasetVersion(row);
    } catch (error) {
      if (isPgError(error, PgErrorCodes.uniqueViolation, 'uq_dataset_version_line_number')) return null;
      throw error;
    }
  }

  async find(id: string): Promise<DatasetVersionRecord | null> {
    const rows = await this.db.query<DatasetVersionRow>(`SELECT ${COLUMNS} FROM dataset_version WHERE id = $1`, [id]);
    return rows[0] ? toDatasetVersion(rows[0]) : null;
  }

  /** The line's versions, newest first. */
  async listForLine(lineId: string, options: { limit?: number } = {}): Promise<DatasetVersionRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const rows = await this.db.query<DatasetVersionRow>(
      `SELECT ${COLUMNS} FROM dataset_version WHERE line_id = $1 ORDER BY number DESC LIMIT $2`,
      [lineId, limit],
    );
    return rows.map(toDatasetVersion);
  }
}

function toDatasetVersion(row: DatasetVersionRow): DatasetVersionRecord {
  return {
    id: row.id,
    lineId: row.line_id,
    number: row.number,
    parentId: row.parent_id,
    fingerprint: row.fingerprint,
    holdoutShare: row.holdout_share,
    classes: row.classes,
    counts: row.counts,
    changes: row.changes,
    contentKey: row.content_key,
    manifestKey: row.manifest_key,
    cocoKey: row.coco_key,
    producedBy: row.produced_by,
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  };
}
