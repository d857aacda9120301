import { AlertRepository } from './alert.repository';
import { managerOf } from './database-handle.helper';
import type { Database } from './database';

/** Frames ingested and alerts raised on a line in one minute. */
export interface LineMinuteActivity {
  readonly lineId: string;
  /** The minute's start (date_trunc('minute')). */
  readonly minute: Date;
  readonly frames: number;
  readonly alerts: number;
}

/** Measured inference time of a model version in the pipeline. */
export interface InferenceLatency {
  readonly p50: number;
  readonly p95: number;
  /** How many scored frames the percentiles are over. */
  readonly frames: number;
}

/** How many recent scored frames the latency percentiles look at. */
const LATENCY_SAMPLE = 5000;

/**
 * Aggregates for the console's dashboard and model pages, computed in SQL: frames per minute
 * over `frame (line_id, ingested_at)` (ix_frame_line_ingested), alerts per minute over
 * `alert (line_id, created_at)` (ix_alert_line_created), latency over `frame_inference`.
 */
export class InspectionStatsRepository {
  constructor(private readonly db: Database) {}

  /** Per line and minute since `since`; minutes without frames or alerts are absent. */
  async activityPerMinute(since: Date): Promise<LineMinuteActivity[]> {
    const manager = managerOf(this.db);
    const [frames, alerts] = (await Promise.all([
      manager.query(
        `SELECT line_id, date_trunc('minute', ingested_at) AS minute, count(*)::int AS n
           FROM frame WHERE ingested_at >= $1 GROUP BY 1, 2`,
        [since],
      ),
      manager.query(
        `SELECT line_id, date_trunc('minute', created_at) AS minute, count(*)::int AS n
           FROM alert WHERE created_at >= $1 AND kind = 'defect' GROUP BY 1, 2`,
        [since],
      ),
    ])) as [CountRow[], CountRow[]];
    const byKey = new Map<string, { lineId: string; minute: Date; frames: number; alerts: number }>();
    const entry = (row: CountRow) => {
      const minute = new Date(row.minute);
      const key = `${row.line_id}\u0000${minute.getTime()}`;
      let found = byKey.get(key);
      if (!found) {
        found = { lineId: row.line_id, minute, frames: 0, alerts: 0 };
        byKey.set(key, found);
      }
      return found;
    };
    for (const row of frames) entry(row).frames += Number(row.n);
    for (const row of alerts) entry(row).alerts += Number(row.n);
    return [...byKey.values()].sort((a, b) => a.lineId.localeCompare(b.lineId) || a.minute.getTime() - b.minute.getTime());
  }

  /** Each line's open alerts (its review backlog), counted no further than `upTo`; absent when none. */
  async openAlertsPerLine(upTo: number): Promise<Map<string, number>> {
    return new AlertRepository(this.db).countOpenPerLine(upTo);
  }

  /** The planner's estimate of a line's open alerts (for a backlog past the exact-count limit). */
  async estimateOpenAlerts(lineId: string): Promise<number> {
    return new AlertRepository(this.db).estimateAlerts({ status: 'open', lineId });
  }

  /** p50/p95 of the version's inference time over its most recent scored frames; null when none. */
  async inferenceLatency(modelVersionId: string): Promise<InferenceLatency | null> {
    const rows = (await managerOf(this.db).query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY inference_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY inference_ms) AS p95,
              count(*)::int AS frames
         FROM (SELECT inference_ms FROM frame_inference
                WHERE model_version_id = $1 AND inference_ms IS NOT NULL
                ORDER BY created_at DESC LIMIT ${LATENCY_SAMPLE}) recent`,
      [modelVersionId],
    )) as { p50: number | null; p95: number | null; frames: number }[];
    const row = rows[0];
    if (!row || row.p50 === null || row.p95 === null || Number(row.frames) === 0) return null;
    return { p50: Number(row.p50), p95: Number(row.p95), frames: Number(row.frames) };
  }
}

interface CountRow {
  line_id: string;
  minute: Date | string;
  n: number | string;
}
