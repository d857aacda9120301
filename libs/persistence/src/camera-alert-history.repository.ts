import type { Detection } from '@argus/contracts';
import { hotRows, hotStatement } from './database-handle.helper';
import type { Database } from './database';
import type { AlertDetectionJson } from './entities/alert.entity';

/** An alert of one camera, seen from its frame: when the frame was captured and what the alert cited. */
export interface CameraAlertOccurrence {
  readonly alertId: string;
  readonly frameId: string;
  readonly modelVersionId: string;
  /** The alerted frame's capture time (camera clock), not when the alert row was written. */
  readonly capturedAt: Date;
  readonly detections: readonly Detection[];
}

/**
 * Alerts on each window's frames ($1: a JSON array of windows). Driven from the camera's frames in
 * the window (ix_frame_camera_captured), then each frame's alert (uq_alert_frame_model_version):
 * the cost follows the window, not the line's whole alert history. (Filtering on the alert's own
 * line and camera instead let the planner scan every alert of the line, a cost without bound on a
 * long-running line: docs/performance.md.) Exported for the test that holds this plan.
 */
export const CAMERA_HISTORY_SQL = `SELECT w.n, h.*
         FROM jsonb_to_recordset($1::jsonb)
              AS w(n integer, line_id text, camera_id text, from_at timestamptz, to_at timestamptz, exclude_frame_id uuid, max_rows integer)
         CROSS JOIN LATERAL (
           SELECT a.id AS alert_id, a.frame_id, a.model_version_id, f.captured_at, a.detections
             FROM frame f
             JOIN alert a ON a.frame_id = f.id AND a.kind = 'defect'
            WHERE f.line_id = w.line_id AND f.camera_id = w.camera_id
              AND f.captured_at >= w.from_at AND f.captured_at <= w.to_at
              AND (w.exclude_frame_id IS NULL OR a.frame_id <> w.exclude_frame_id)
            ORDER BY f.captured_at ASC, a.id ASC
            LIMIT w.max_rows
         ) h
        ORDER BY w.n, h.captured_at ASC, h.alert_id ASC`;

const CAMERA_HISTORY = hotStatement('camera_alert_history', CAMERA_HISTORY_SQL);

/** Alerts a window answers at most when its caller names no limit (the oldest first). */
export const DEFAULT_ALERT_HISTORY_LIMIT = 1000;

/** CAMERA_HISTORY_SQL's parameters for these windows. */
export function cameraHistoryParams(windows: readonly AlertHistoryWindow[]): [string] {
  return [
    JSON.stringify(
      windows.map((w, n) => ({
        n,
        line_id: w.lineId,
        camera_id: w.cameraId,
        from_at: w.from.toISOString(),
        to_at: w.to.toISOString(),
        exclude_frame_id: w.excludeFrameId ?? null,
        max_rows: Math.min(Math.max(w.limit ?? DEFAULT_ALERT_HISTORY_LIMIT, 1), 10_000),
      })),
    ),
  ];
}

/** One camera's window of capture time (CameraAlertHistoryRepository.historiesOf). */
export interface AlertHistoryWindow extends AlertHistoryOptions {
  readonly lineId: string;
  readonly cameraId: string;
  readonly from: Date;
  readonly to: Date;
}

/** What a window leaves out and how many alerts it answers at most (DEFAULT_ALERT_HISTORY_LIMIT when unset). */
export interface AlertHistoryOptions {
  readonly excludeFrameId?: string;
  readonly limit?: number;
}

/**
 * The recent alert history of a camera, for detection-inference's dedup window ("the same defect
 * at the same place on consecutive frames is one alert"). Windows are in capture time, so a
 * redelivered frame is judged against the same history as the first time.
 */
export class CameraAlertHistoryRepository {
  constructor(private readonly db: Database) {}

  /**
   * Alerts on (line, camera)'s frames captured in [from, to], oldest capture first, leaving out
   * the frame `excludeFrameId` (the frame being judged).
   */
  async alertsCapturedBetween(
    lineId: string,
    cameraId: string,
    from: Date,
    to: Date,
    options: AlertHistoryOptions = {},
  ): Promise<CameraAlertOccurrence[]> {
    const [history] = await this.historiesOf([{ lineId, cameraId, from, to, ...options }]);
    return history ?? [];
  }

  /** `alertsCapturedBetween` for many windows in one statement; answers in the order asked. */
  async historiesOf(windows: readonly AlertHistoryWindow[]): Promise<CameraAlertOccurrence[][]> {
    if (windows.length === 0) return [];
    const rows = await hotRows<{
      n: number;
      alert_id: string;
      frame_id: string;
      model_version_id: string;
      captured_at: Date | string;
      detections: AlertDetectionJson[];
    }>(this.db, CAMERA_HISTORY, cameraHistoryParams(windows));
    const histories = windows.map((): CameraAlertOccurrence[] => []);
    for (const row of rows) {
      histories[row.n]?.push({
        alertId: row.alert_id,
        frameId: row.frame_id,
        modelVersionId: row.model_version_id,
        capturedAt: row.captured_at instanceof Date ? row.captured_at : new Date(row.captured_at),
        detections: row.detections,
      });
    }
    return histories;
  }
}
