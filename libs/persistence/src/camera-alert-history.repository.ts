import type { Detection } from '@argus/contracts';
import { managerOf, type DatabaseHandle } from './database-handle.helper';
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
 * The recent alert history of a camera, for detection-inference's dedup window ("the same defect
 * at the same place on consecutive frames is one alert"). Windows are in capture time, so a
 * redelivered frame is judged against the same history as the first time.
 */
export class CameraAlertHistoryRepository {
  constructor(private readonly db: DatabaseHandle) {}

  /**
   * Alerts of (line, camera) whose frame was captured in [from, to], oldest capture first,
   * leaving out the frame `excludeFrameId` (the frame being judged).
   */
  async alertsCapturedBetween(
    lineId: string,
    cameraId: string,
    from: Date,
    to: Date,
    options: { excludeFrameId?: string; limit?: number } = {},
  ): Promise<CameraAlertOccurrence[]> {
    const rows = (await managerOf(this.db).query(
      `SELECT a.id AS alert_id, a.frame_id, a.model_version_id, f.captured_at, a.detections
         FROM alert a
         JOIN frame f ON f.id = a.frame_id
        WHERE a.line_id = $1 AND a.camera_id = $2
          AND f.captured_at >= $3 AND f.captured_at <= $4
          AND ($5::uuid IS NULL OR a.frame_id <> $5::uuid)
        ORDER BY f.captured_at ASC, a.id ASC
        LIMIT $6`,
      [lineId, cameraId, from, to, options.excludeFrameId ?? null, Math.min(Math.max(options.limit ?? 1000, 1), 10_000)],
    )) as { alert_id: string; frame_id: string; model_version_id: string; captured_at: Date | string; detections: AlertDetectionJson[] }[];
    return rows.map((row) => ({
      alertId: row.alert_id,
      frameId: row.frame_id,
      modelVersionId: row.model_version_id,
      capturedAt: row.captured_at instanceof Date ? row.captured_at : new Date(row.captured_at),
      detections: row.detections,
    }));
  }
}
