import { FrameEntity } from './entities/frame.entity';
import { hotRows, hotStatement, managerOf } from './database-handle.helper';
import type { Database } from './database';
import { CameraNotFoundError, FrameNotFoundError, RecordConflictError } from './persistence.errors';
import { clampLimit } from './page-limit.helper';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

export type FrameStatus = 'ingested' | 'processed' | 'failed';
export type FrameContentType = 'image/jpeg' | 'image/png';

export interface Frame {
  readonly id: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly objectKey: string;
  readonly contentType: FrameContentType;
  /** The golden template the frame was ingested with; null when none (or not recorded). */
  readonly templateKey: string | null;
  readonly width: number;
  readonly height: number;
  readonly byteSize: number;
  readonly sha256: string;
  readonly capturedAt: Date;
  readonly ingestedAt: Date;
  readonly status: FrameStatus;
  readonly failureReason: string | null;
}

export interface IngestedFrame {
  /** Optional: camera-ingest may pick the id first to build the object key from it. */
  readonly id?: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly objectKey: string;
  readonly contentType: FrameContentType;
  /** The golden template it is compared with, when its line (or its source) has one. */
  readonly templateKey?: string | null;
  readonly width: number;
  readonly height: number;
  readonly byteSize: number;
  readonly sha256: string;
  readonly capturedAt: Date;
}

export interface RecordedFrame {
  readonly frame: Frame;
  /** False when this camera had already sent these exact bytes: `frame` is the earlier record. */
  readonly created: boolean;
}

export interface FramePage {
  readonly limit?: number;
  /** Keyset cursor: the last frame of the previous page. */
  readonly before?: { readonly capturedAt: Date; readonly id: string };
}

/** Frames as camera-ingest records them and the pipeline moves them along. */
export class FrameRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a stored frame. Idempotent on (camera, line, sha256): the same bytes from the same
   * camera return the frame recorded first, `created: false`, whatever id the caller proposed.
   */
  async recordIngested(input: IngestedFrame): Promise<RecordedFrame> {
    let inserted: FrameRow[];
    try {
      inserted = await hotRows<FrameRow>(this.db, RECORD_INGESTED, [
        input.id ?? null,
        input.lineId,
        input.cameraId,
        input.objectKey,
        input.contentType,
        input.width,
        input.height,
        input.byteSize,
        input.sha256,
        input.capturedAt,
        input.templateKey ?? null,
      ]);
    } catch (error) {
      if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_frame_camera')) {
        throw new CameraNotFoundError(input.lineId, input.cameraId, { cause: error });
      }
      if (isPgError(error, PgErrorCodes.uniqueViolation, 'pk_frame') && input.id !== undefined) {
        throw new RecordConflictError('frame', input.id);
      }
      throw error;
    }
    // One round trip on the usual path: the new row comes back from the INSERT; only a frame
    // recorded before (a retry) is read again.
    const insertedRow = inserted[0];
    if (insertedRow) return { frame: fromRow(insertedRow), created: true };
    const earlier = await this.findByContent(input.lineId, input.cameraId, input.sha256);
    if (!earlier) throw new Error(`BUG: frame ${input.lineId}/${input.cameraId}/${input.sha256} neither inserted nor found`);
    return { frame: earlier, created: false };
  }

  async findById(frameId: string): Promise<Frame | null> {
    const row = await managerOf(this.db).findOneBy(FrameEntity, { id: frameId });
    return row ? toFrame(row) : null;
  }

  /** Lets ingest skip re-uploading bytes it has already stored. */
  async findByContent(lineId: string, cameraId: string, sha256: string): Promise<Frame | null> {
    // Plain SQL: this runs for every ingested frame, and TypeORM's query building costs more CPU
    // than the query itself.
    const rows = (await managerOf(this.db).query(
      `SELECT ${FRAME_COLUMNS} FROM frame WHERE line_id = $1 AND camera_id = $2 AND sha256 = $3`,
      [lineId, cameraId, sha256],
    )) as FrameRow[];
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /**
   * The frame with this id if it holds this content from this camera: ingest's "sent before?"
   * check, by primary key (ingest derives the id from line, camera and content hash). The statement
   * names the id alone and the rest is compared here: with all four columns in the WHERE clause
   * and no statistics yet, the planner chose ix_frame_line_ingested on line_id and filtered every
   * frame of the line, so each upload cost more than the one before (docs/performance.md).
   * Looking up by content instead let it scan all the camera's frames in the same way.
   */
  async findIngested(frameId: string, lineId: string, cameraId: string, sha256: string): Promise<Frame | null> {
    const [row] = await hotRows<FrameRow>(this.db, FIND_FRAME_BY_ID, [frameId]);
    return row && row.line_id === lineId && row.camera_id === cameraId && row.sha256 === sha256 ? fromRow(row) : null;
  }

  /** The camera's frames, newest capture first. */
  async listForCamera(lineId: string, cameraId: string, page: FramePage = {}): Promise<Frame[]> {
    const query = managerOf(this.db)
      .createQueryBuilder(FrameEntity, 'f')
      .where('f.line_id = :lineId AND f.camera_id = :cameraId', { lineId, cameraId })
      .orderBy('f.captured_at', 'DESC')
      .addOrderBy('f.id', 'DESC')
      .limit(clampLimit(page.limit));
    if (page.before) {
      query.andWhere('(f.captured_at, f.id) < (:beforeAt, :beforeId)', {
        beforeAt: page.before.capturedAt,
        beforeId: page.before.id,
      });
    }
    return (await query.getMany()).map(toFrame);
  }

  /** Inference produced results for the frame. Clears an earlier failure (a retry succeeded). */
  async markProcessed(frameId: string): Promise<Frame> {
    return this.setStatus(frameId, 'processed', null);
  }

  /**
   * `markProcessed` for many frames in one statement (detection-inference marks a micro-batch's
   * frames together). Returns the ids that were updated; an id missing from it has no frame row.
   */
  async markProcessedMany(frameIds: readonly string[]): Promise<Set<string>> {
    if (frameIds.length === 0) return new Set();
    const rows = await hotRows<{ id: string }>(this.db, MARK_PROCESSED_MANY, [[...new Set(frameIds)]]);
    return new Set(rows.map((r) => r.id));
  }

  /** The frame cannot be processed (undecodable, dead-lettered); `reason` says why. */
  async markFailed(frameId: string, reason: string): Promise<Frame> {
    const trimmed = reason.trim() || 'unknown failure';
    return this.setStatus(frameId, 'failed', trimmed.slice(0, 2000));
  }

  /** One statement (one round trip): the update returns the row it changed. */
  private async setStatus(frameId: string, status: FrameStatus, failureReason: string | null): Promise<Frame> {
    const result = await managerOf(this.db)
      .createQueryBuilder()
      .update(FrameEntity)
      .set({ status, failureReason })
      .where('id = :frameId', { frameId })
      .returning('*')
      .execute();
    const row = (result.raw as FrameRow[])[0];
    if (!row) throw new FrameNotFoundError(frameId);
    return fromRow(row);
  }
}

/** A `frame` row as Postgres returns it (column names). */
interface FrameRow {
  readonly id: string;
  readonly line_id: string;
  readonly camera_id: string;
  readonly object_key: string;
  readonly content_type: string;
  readonly template_key: string | null;
  readonly width: number;
  readonly height: number;
  readonly byte_size: number;
  readonly sha256: string;
  readonly captured_at: Date;
  readonly ingested_at: Date;
  readonly status: string;
  readonly failure_reason: string | null;
}

/** The frame columns as raw SQL returns them (for the per-frame statements that skip TypeORM). */
const FRAME_COLUMNS =
  'id, line_id, camera_id, object_key, content_type, template_key, width, height, byte_size, sha256, captured_at, ingested_at, status, failure_reason';

// camera-ingest's two statements per frame, and detection-inference's processed mark per batch.
const RECORD_INGESTED = hotStatement(
  'frame_record_ingested',
  `INSERT INTO frame (id, line_id, camera_id, object_key, content_type, width, height, byte_size, sha256, captured_at, template_key)
   VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
   ON CONFLICT (camera_id, line_id, sha256) DO NOTHING
   RETURNING ${FRAME_COLUMNS}`,
);
/** By primary key only, whatever the table's statistics say (exported for the test that holds this plan). */
export const FIND_FRAME_BY_ID_SQL = `SELECT ${FRAME_COLUMNS} FROM frame WHERE id = $1`;
const FIND_FRAME_BY_ID = hotStatement('frame_find_by_id', FIND_FRAME_BY_ID_SQL);
const MARK_PROCESSED_MANY = hotStatement(
  'frame_mark_processed_many',
  `UPDATE frame SET status = 'processed', failure_reason = NULL WHERE id = ANY($1::uuid[]) RETURNING id`,
);

function fromRow(row: FrameRow): Frame {
  return {
    id: row.id,
    lineId: row.line_id,
    cameraId: row.camera_id,
    objectKey: row.object_key,
    contentType: row.content_type as FrameContentType,
    templateKey: row.template_key,
    width: row.width,
    height: row.height,
    byteSize: row.byte_size,
    sha256: row.sha256,
    capturedAt: new Date(row.captured_at),
    ingestedAt: new Date(row.ingested_at),
    status: row.status as FrameStatus,
    failureReason: row.failure_reason,
  };
}

function toFrame(row: FrameEntity): Frame {
  return {
    id: row.id,
    lineId: row.lineId,
    cameraId: row.cameraId,
    objectKey: row.objectKey,
    contentType: row.contentType as FrameContentType,
    templateKey: row.templateKey,
    width: row.width,
    height: row.height,
    byteSize: row.byteSize,
    sha256: row.sha256,
    capturedAt: row.capturedAt,
    ingestedAt: row.ingestedAt,
    status: row.status as FrameStatus,
    failureReason: row.failureReason,
  };
}
