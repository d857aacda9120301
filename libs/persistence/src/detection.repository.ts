import { randomUUID } from 'node:crypto';
import type { Detection } from '@argus/contracts';
import type { EntityManager } from 'typeorm';
import { DetectionEntity } from './entities/detection.entity';
import { FrameInferenceEntity } from './entities/frame-inference.entity';
import { hotRows, hotStatement, managerOf } from './database-handle.helper';
import type { Database } from './database';
import { FrameNotFoundError, InvalidRecordError, ModelVersionNotFoundError } from './persistence.errors';
import { isPgError, pgErrorInfo, PgErrorCodes } from './pg-error.mapper';

export interface StoredDetection extends Detection {
  readonly id: string;
  /** Position in the list the model produced (stable order, and a second guard against duplicates). */
  readonly ordinal: number;
}

/** What one model version found on one frame. */
export interface FrameInference {
  readonly frameId: string;
  readonly modelVersionId: string;
  readonly detections: readonly StoredDetection[];
  readonly inferenceMs: number | null;
  readonly createdAt: Date;
}

export interface SavedDetections {
  readonly inference: FrameInference;
  /** False when this frame had already been scored by this model version: nothing was written. */
  readonly created: boolean;
}

/** One frame's result to save (DetectionRepository.saveForFrames). */
export interface DetectionsToSave {
  readonly frameId: string;
  readonly modelVersionId: string;
  readonly detections: readonly Detection[];
  readonly inferenceMs?: number;
}

/** A frame_inference row as the list statement returns it. */
type SavedInferenceRow = SavedRow & { readonly frame_id: string; readonly model_version_id: string };

/** A frame_inference row the save statement created (its detections are the ones sent). */
type CreatedInferenceRow = Omit<SavedInferenceRow, 'detections'>;

interface SavedRow {
  readonly inference_ms: number | null;
  readonly created_at: Date | string;
  readonly detections: Array<{
    id: string;
    ordinal: number;
    class_name: string;
    score: number;
    x1: number;
    y1: number;
    x2: number;
    y2: number;
  }>;
}

// detection-inference's statements per micro-batch.
const SAVE_FOR_FRAMES = hotStatement(
  'detections_save_for_frames',
  `WITH input AS (
     SELECT x.frame_id, x.model_version_id, x.detection_count, x.inference_ms, x.detections
       FROM jsonb_to_recordset($1::jsonb)
            AS x(frame_id uuid, model_version_id uuid, detection_count integer, inference_ms double precision, detections jsonb)
   ), fi AS (
     INSERT INTO frame_inference (frame_id, model_version_id, detection_count, inference_ms)
     SELECT frame_id, model_version_id, detection_count, inference_ms FROM input
     ON CONFLICT (frame_id, model_version_id) DO NOTHING
     RETURNING frame_id, model_version_id, inference_ms, created_at
   ), d AS (
     INSERT INTO detection (id, frame_id, model_version_id, ordinal, class_name, score, x1, y1, x2, y2)
     SELECT x.id, fi.frame_id, fi.model_version_id, x.ordinal, x.class_name, x.score, x.x1, x.y1, x.x2, x.y2
       FROM fi
       JOIN input i ON i.frame_id = fi.frame_id AND i.model_version_id = fi.model_version_id,
            jsonb_to_recordset(i.detections)
            AS x(id uuid, ordinal integer, class_name text, score double precision, x1 double precision, y1 double precision, x2 double precision, y2 double precision)
   )
   SELECT frame_id, model_version_id, inference_ms, created_at FROM fi`,
);
const LIST_FOR_FRAMES = hotStatement(
  'detections_list_for_frames',
  `SELECT fi.frame_id, fi.model_version_id, fi.inference_ms, fi.created_at,
          (SELECT coalesce(json_agg(json_build_object(
                    'id', d.id, 'ordinal', d.ordinal, 'class_name', d.class_name, 'score', d.score,
                    'x1', d.x1, 'y1', d.y1, 'x2', d.x2, 'y2', d.y2) ORDER BY d.ordinal), '[]'::json)
             FROM detection d
            WHERE d.frame_id = fi.frame_id AND d.model_version_id = fi.model_version_id) AS detections
     FROM frame_inference fi
    WHERE fi.frame_id = ANY($1::uuid[])
    ORDER BY fi.created_at ASC, fi.model_version_id ASC`,
);

/**
 * Detections per (frame, model version). Idempotency comes from a `frame_inference` row keyed by
 * (frame_id, model_version_id) that the detections hang off: the first save inserts it and the
 * detections in one transaction; any later save for the same pair (a redelivered event, a
 * concurrent duplicate consumer) finds it and returns what is stored. First write wins: a model
 * version scores a frame once; re-scoring with another version is a different pair. (The
 * alternative, delete + insert, would let a redelivery rewrite results an alert already cites.)
 */
export class DetectionRepository {
  constructor(private readonly db: Database) {}

  async saveForFrame(
    frameId: string,
    modelVersionId: string,
    detections: readonly Detection[],
    options: { inferenceMs?: number } = {},
  ): Promise<SavedDetections> {
    const [saved] = await this.saveForFrames([
      { frameId, modelVersionId, detections, ...(options.inferenceMs === undefined ? {} : { inferenceMs: options.inferenceMs }) },
    ]);
    return saved as SavedDetections;
  }

  /**
   * `saveForFrame` for many frames in ONE statement (atomic, one round trip): each pair's
   * frame_inference row, then its detections only if that row was created here; a pair already
   * scored inserts nothing and its stored result comes back. If the statement fails nothing is
   * written; with a single item the error names the record (FrameNotFoundError, ...), with several
   * the caller saves them one by one to find which.
   */
  async saveForFrames(items: readonly DetectionsToSave[]): Promise<SavedDetections[]> {
    if (items.length === 0) return [];
    // Detection ids are made here, so the statement returns only the frame_inference rows it
    // created, not the detections back (aggregating them as JSON cost as much as inserting them).
    const written = firstOfEachPair(items).map((item) => ({
      item,
      detections: item.detections.map((d, ordinal): StoredDetection => ({
        id: randomUUID(),
        ordinal,
        className: d.className,
        score: d.score,
        box: { x1: d.box.x1, y1: d.box.y1, x2: d.box.x2, y2: d.box.y2 },
      })),
    }));
    let rows: CreatedInferenceRow[];
    try {
      rows = await hotRows<CreatedInferenceRow>(this.db, SAVE_FOR_FRAMES, [
        JSON.stringify(
          written.map(({ item, detections }) => ({
            frame_id: item.frameId,
            model_version_id: item.modelVersionId,
            detection_count: detections.length,
            inference_ms: item.inferenceMs ?? null,
            detections: detections.map((d) => ({
              id: d.id,
              ordinal: d.ordinal,
              class_name: d.className,
              score: d.score,
              x1: d.box.x1,
              y1: d.box.y1,
              x2: d.box.x2,
              y2: d.box.y2,
            })),
          })),
        ),
      ]);
    } catch (error) {
      if (isPgError(error, PgErrorCodes.checkViolation)) {
        throw new InvalidRecordError(pgErrorInfo(error).constraint ?? 'unknown', { cause: error });
      }
      const only = items.length === 1 ? items[0] : undefined;
      throw only ? mapInferenceError(error, only.frameId, only.modelVersionId) : error;
    }
    const detectionsOf = new Map(written.map(({ item, detections }) => [`${item.frameId}/${item.modelVersionId}`, detections]));
    const createdHere = new Map(rows.map((row) => [`${row.frame_id}/${row.model_version_id}`, row]));
    const saved: SavedDetections[] = [];
    for (const { frameId, modelVersionId } of items) {
      const key = `${frameId}/${modelVersionId}`;
      const row = createdHere.get(key);
      // A pair listed twice in one call was created by its first listing: the second finds it.
      createdHere.delete(key);
      if (row) {
        saved.push({ created: true, inference: inferenceOfRow(row, detectionsOf.get(key) ?? []) });
        continue;
      }
      const inference = await loadInference(managerOf(this.db), frameId, modelVersionId);
      if (!inference) throw new Error(`BUG: frame_inference ${frameId}/${modelVersionId} conflicted but is not there`);
      saved.push({ inference, created: false });
    }
    return saved;
  }

  async findForFrame(frameId: string, modelVersionId: string): Promise<FrameInference | null> {
    return loadInference(managerOf(this.db), frameId, modelVersionId);
  }

  /**
   * Every model version's results on the frame (production and shadow), oldest first. One
   * statement: detection-inference asks this for every frame it receives (the redelivery check).
   */
  async listForFrame(frameId: string): Promise<FrameInference[]> {
    return (await this.listForFrames([frameId])).get(frameId) ?? [];
  }

  /** `listForFrame` for many frames in one statement (frames without results are left out). */
  async listForFrames(frameIds: readonly string[]): Promise<Map<string, FrameInference[]>> {
    const byFrame = new Map<string, FrameInference[]>();
    if (frameIds.length === 0) return byFrame;
    const rows = await hotRows<SavedInferenceRow>(this.db, LIST_FOR_FRAMES, [[...new Set(frameIds)]]);
    for (const row of rows) {
      const list = byFrame.get(row.frame_id) ?? [];
      list.push(inferenceOfRow(row, storedDetections(row.detections)));
      byFrame.set(row.frame_id, list);
    }
    return byFrame;
  }
}

/** A pair listed twice in one save is written by its first listing (the second finds it stored). */
function firstOfEachPair(items: readonly DetectionsToSave[]): DetectionsToSave[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.frameId}/${item.modelVersionId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A frame_inference row and its detections as a FrameInference. */
function inferenceOfRow(row: CreatedInferenceRow, detections: readonly StoredDetection[]): FrameInference {
  return {
    frameId: row.frame_id,
    modelVersionId: row.model_version_id,
    inferenceMs: row.inference_ms === null ? null : Number(row.inference_ms),
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    detections,
  };
}

/** The detections a statement aggregated with json_agg, as StoredDetections. */
function storedDetections(column: SavedRow['detections'] | string): StoredDetection[] {
  return parseJsonColumn(column).map((d) => ({
    id: d.id,
    ordinal: d.ordinal,
    className: d.class_name,
    score: d.score,
    box: { x1: d.x1, y1: d.y1, x2: d.x2, y2: d.y2 },
  }));
}

/** A json column: pg parses it; other drivers may hand over the text. */
function parseJsonColumn<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

async function loadInference(manager: EntityManager, frameId: string, modelVersionId: string): Promise<FrameInference | null> {
  const inference = await manager.findOneBy(FrameInferenceEntity, { frameId, modelVersionId });
  if (!inference) return null;
  const detections = await manager.find(DetectionEntity, {
    where: { frameId, modelVersionId },
    order: { ordinal: 'ASC' },
  });
  return toInference(inference, detections);
}

function mapInferenceError(error: unknown, frameId: string, modelVersionId: string): unknown {
  if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_frame_inference_frame')) {
    return new FrameNotFoundError(frameId, { cause: error });
  }
  if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_frame_inference_model_version')) {
    return new ModelVersionNotFoundError(modelVersionId, { cause: error });
  }
  return error;
}

function toInference(row: FrameInferenceEntity, detections: readonly DetectionEntity[]): FrameInference {
  return {
    frameId: row.frameId,
    modelVersionId: row.modelVersionId,
    inferenceMs: row.inferenceMs,
    createdAt: row.createdAt,
    detections: detections.map((d) => ({
      id: d.id,
      ordinal: d.ordinal,
      className: d.className,
      score: d.score,
      box: { x1: d.x1, y1: d.y1, x2: d.x2, y2: d.y2 },
    })),
  };
}
