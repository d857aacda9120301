import { createThrowawayDatabase, type Database, databaseConfigFromEnv, LineRepository, type ThrowawayDatabase } from '@argus/persistence';
import { runNodeScript } from './node-script.runner';

export interface FrameRow {
  readonly id: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly objectKey: string;
  readonly status: 'ingested' | 'processed' | 'failed';
  readonly failureReason: string | null;
  readonly capturedAt: Date;
  readonly ingestedAt: Date;
}

export interface InferenceRow {
  readonly frameId: string;
  readonly modelVersionId: string;
  readonly createdAt: Date;
  readonly detections: { className: string; score: number; box: { x1: number; y1: number; x2: number; y2: number } }[];
}

export interface AlertRow {
  readonly id: string;
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly modelVersionId: string;
  readonly severity: string;
  readonly detections: { className: string; score: number; box: { x1: number; y1: number; x2: number; y2: number } }[];
  readonly createdAt: Date;
}

/**
 * A throw-away Postgres database on infra/local for one pipeline run: created empty, migrated and
 * seeded with the demo plant by the seed command (as an operator would), handed to the services
 * as ARGUS_DATABASE_URL, read back in bulk by the test, dropped at the end.
 */
export class PipelineDatabase {
  private constructor(
    private readonly db: ThrowawayDatabase,
    readonly url: string,
  ) {}

  static async create(applicationName: string): Promise<PipelineDatabase> {
    const base = process.env['ARGUS_DATABASE_URL'];
    if (!base) throw new Error('ARGUS_DATABASE_URL is not set');
    const db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, applicationName));
    const url = new URL(base);
    url.pathname = `/${db.name}`;
    return new PipelineDatabase(db, url.toString());
  }

  get name(): string {
    return this.db.name;
  }

  /** Migrations and the demo seed (factory-1: cam-1, cam-2; pcb-1: aoi-1), by the seed command. */
  async seedDemo(): Promise<void> {
    await runNodeScript('services/embedded/src/seed/run-seed.ts', [], { ARGUS_DATABASE_URL: this.url }, 120_000);
  }

  /** The database handle, for a bench or test that uses the services' own repositories on it. */
  get database(): Database {
    return this.db.dataSource;
  }

  lines(): LineRepository {
    return new LineRepository(this.db.dataSource);
  }

  async frames(): Promise<FrameRow[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT id, line_id, camera_id, object_key, status, failure_reason, captured_at, ingested_at FROM frame`,
    )) as {
      id: string;
      line_id: string;
      camera_id: string;
      object_key: string;
      status: FrameRow['status'];
      failure_reason: string | null;
      captured_at: Date;
      ingested_at: Date;
    }[];
    return rows.map((r) => ({
      id: r.id,
      lineId: r.line_id,
      cameraId: r.camera_id,
      objectKey: r.object_key,
      status: r.status,
      failureReason: r.failure_reason,
      capturedAt: new Date(r.captured_at),
      ingestedAt: new Date(r.ingested_at),
    }));
  }

  /** Frames per status, for progress polling. */
  async statusCounts(): Promise<Record<string, number>> {
    const rows = (await this.db.dataSource.query(`SELECT status, count(*)::int AS n FROM frame GROUP BY status`)) as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** How many of these frames are processed. */
  async countProcessed(frameIds: readonly string[]): Promise<number> {
    const rows = (await this.db.dataSource.query(
      `SELECT count(*)::int AS n FROM frame WHERE status = 'processed' AND id = ANY($1::uuid[])`,
      [frameIds],
    )) as { n: number }[];
    return rows[0]?.n ?? 0;
  }

  /**
   * Per processed frame: ingest (the frame row's ingested_at) → its results committed (the later
   * of its frame_inference and alert rows' created_at), in ms, from the one Postgres clock.
   */
  async latencies(frameIds: readonly string[]): Promise<{ frameId: string; ms: number; cameraId: string; ingestedAt: Date }[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT EXTRACT(EPOCH FROM (GREATEST(fi.created_at, COALESCE(a.created_at, fi.created_at)) - f.ingested_at)) * 1000 AS ms,
              f.id, f.camera_id, f.ingested_at
         FROM frame f
         JOIN frame_inference fi ON fi.frame_id = f.id
         LEFT JOIN alert a ON a.frame_id = f.id AND a.model_version_id = fi.model_version_id
        WHERE f.id = ANY($1::uuid[])`,
      [frameIds],
    )) as { ms: string | number; id: string; camera_id: string; ingested_at: Date }[];
    return rows.map((r) => ({ frameId: r.id, ms: Number(r.ms), cameraId: r.camera_id, ingestedAt: r.ingested_at }));
  }

  /** The workload the frames made: detections stored and alerts raised per scored frame. */
  async workload(): Promise<{ frames: number; detectionsPerFrame: number; alertsPerFrame: number }> {
    const [row] = (await this.db.dataSource.query(
      `SELECT count(*)::int AS frames, coalesce(avg(fi.detection_count), 0)::float8 AS detections,
              (SELECT count(*) FROM alert WHERE kind = 'defect')::float8 / greatest(count(*), 1) AS alerts
         FROM frame_inference fi`,
    )) as { frames: number; detections: number; alerts: number }[];
    return { frames: row?.frames ?? 0, detectionsPerFrame: row?.detections ?? 0, alertsPerFrame: row?.alerts ?? 0 };
  }

  /** Every frame_inference row with its detections (in ordinal order). */
  async inferences(): Promise<InferenceRow[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT fi.frame_id, fi.model_version_id, fi.created_at,
              COALESCE(json_agg(json_build_object('className', d.class_name, 'score', d.score,
                'box', json_build_object('x1', d.x1, 'y1', d.y1, 'x2', d.x2, 'y2', d.y2)) ORDER BY d.ordinal)
                FILTER (WHERE d.id IS NOT NULL), '[]') AS detections
         FROM frame_inference fi
         LEFT JOIN detection d ON d.frame_id = fi.frame_id AND d.model_version_id = fi.model_version_id
        GROUP BY fi.frame_id, fi.model_version_id, fi.created_at`,
    )) as { frame_id: string; model_version_id: string; created_at: Date; detections: InferenceRow['detections'] }[];
    return rows.map((r) => ({
      frameId: r.frame_id,
      modelVersionId: r.model_version_id,
      createdAt: new Date(r.created_at),
      detections: r.detections,
    }));
  }

  /** The defect alerts (audit items, kind `audit`, are the review queue's other kind: not alerts). */
  async alerts(): Promise<AlertRow[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT id, frame_id, line_id, camera_id, model_version_id, severity, detections, created_at FROM alert WHERE kind = 'defect'`,
    )) as {
      id: string;
      frame_id: string;
      line_id: string;
      camera_id: string;
      model_version_id: string;
      severity: string;
      detections: AlertRow['detections'];
      created_at: Date;
    }[];
    return rows.map((r) => ({
      id: r.id,
      frameId: r.frame_id,
      lineId: r.line_id,
      cameraId: r.camera_id,
      modelVersionId: r.model_version_id,
      severity: r.severity,
      detections: r.detections,
      createdAt: new Date(r.created_at),
    }));
  }

  /** The id of a registered model version, by name and version. */
  async modelVersionId(name: string, version: string): Promise<string | undefined> {
    const rows = (await this.db.dataSource.query(`SELECT id FROM model_version WHERE name = $1 AND version = $2`, [name, version])) as {
      id: string;
    }[];
    return rows[0]?.id;
  }

  async productionModelOf(lineId: string): Promise<string | undefined> {
    const rows = (await this.db.dataSource.query(`SELECT model_version_id FROM line_production_model WHERE line_id = $1`, [lineId])) as {
      model_version_id: string;
    }[];
    return rows[0]?.model_version_id;
  }

  /** Any other question the test asks the database. */
  query(sql: string, parameters: readonly unknown[] = []): Promise<unknown[]> {
    return this.db.dataSource.query(sql, [...parameters]) as Promise<unknown[]>;
  }

  drop(): Promise<void> {
    return this.db.drop();
  }
}
