import type { Detection, Severity } from '@argus/contracts';
import { AlertEntity } from './entities/alert.entity';
import { hotRows, hotStatement, managerOf } from './database-handle.helper';
import type { Database } from './database';
import {
  CameraNotFoundError,
  FrameNotFoundError,
  InvalidRecordError,
  ModelVersionNotFoundError,
  RecordConflictError,
} from './persistence.errors';
import { clampLimit } from './page-limit.helper';
import { isPgError, pgErrorInfo, PgErrorCodes } from './pg-error.mapper';
import { kindOf, toAlert } from './alert.mapper';

export type AlertStatus = 'open' | 'confirmed' | 'rejected' | 'corrected';

/**
 * `defect`: raised by the line's alert rules (what every alert count, stream and trigger means);
 * `audit`: a frame that raised no alert, sampled by continual-fine-tune for an operator's look (a
 * miss the model would otherwise never be taught). Both are reviewed the same way.
 */
export type AlertKind = 'defect' | 'audit';

/**
 * Why a frame without an alert was sampled for audit; `onboarding`: picked into a new line's
 * onboarding set by the console's wizard, to be labelled.
 */
export type AuditReason = 'near-threshold' | 'random' | 'onboarding';

/** What an audit item adds to an alert row. */
export interface AuditFacts {
  readonly reason: AuditReason;
  /** In [0, 1]: 1 when the frame's best score sat at the line's threshold; the audit queue is ranked by it. */
  readonly uncertainty: number;
}

export interface Alert {
  readonly id: string;
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly modelVersionId: string;
  readonly severity: Severity;
  /** `open` until reviewed; then the latest review's decision. */
  readonly status: AlertStatus;
  /**
   * The detections that met a rule when the alert was raised (a snapshot, not a reference); for an
   * audit item, the model's boxes under the threshold (possibly none).
   */
  readonly detections: readonly Detection[];
  readonly kind: AlertKind;
  /** Set for an audit item, null for a defect alert. */
  readonly audit: AuditFacts | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewAlert {
  /** Optional: the alert service may pick the id so the event it publishes can carry it. */
  readonly id?: string;
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly modelVersionId: string;
  readonly severity: Severity;
  readonly detections: readonly Detection[];
}

/** An audit item to store: a frame without an alert, sampled for review. */
export interface NewAuditItem {
  readonly id?: string;
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly modelVersionId: string;
  /** The model's boxes under the line's threshold: what "confirm" says were right. */
  readonly detections: readonly Detection[];
  readonly audit: AuditFacts;
}

/** The audit queue's filter (all optional). */
export interface AuditItemFilter {
  /** Default: every status. */
  readonly status?: AlertStatus;
  readonly lineId?: string;
}

/** Keyset position in the audit queue's order (uncertainty descending, then created_at, id ascending). */
export interface AuditItemPage {
  readonly limit?: number;
  readonly after?: { readonly uncertainty: number; readonly createdAt: Date; readonly id: string };
}

export interface RaisedAlert {
  readonly alert: Alert;
  /** False when this frame already had an alert from this model version: `alert` is that one. */
  readonly created: boolean;
}

export interface AlertPage {
  readonly limit?: number;
  /** Keyset cursor: the last alert of the previous page (its createdAt and id). */
  readonly before?: { readonly createdAt: Date; readonly id: string };
}

/** The console's queue filter; every field narrows (all optional). */
export interface AlertFilter {
  /** Default: every status. */
  readonly status?: AlertStatus;
  readonly lineId?: string;
  readonly cameraId?: string;
  readonly severity?: Severity;
  /** Alerts with at least one detection of this class. */
  readonly className?: string;
}

/** An alert with the facts of its frame the queue shows (capture time and image size). */
export interface AlertWithFrame extends Alert {
  readonly frame: {
    readonly capturedAt: Date;
    readonly width: number;
    readonly height: number;
    readonly objectKey: string;
    readonly templateKey: string | null;
  };
}

/** An alert with the facts of its frame the console shows (capture time, size, object keys). */
const ALERT_WITH_FRAME_SELECT = `SELECT a.id, a.frame_id, a.line_id, a.camera_id, a.model_version_id, a.severity, a.status, a.detections,
              a.kind, a.audit_reason, a.uncertainty, a.created_at, a.updated_at,
              f.captured_at, f.width, f.height, f.object_key, f.template_key
         FROM alert a
         JOIN frame f ON f.id = a.frame_id`;

// detection-inference's alerts of a micro-batch, one statement.
const RAISE_EACH_ONCE = hotStatement(
  'alerts_raise_each_once',
  `WITH input AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb)
            AS x(id uuid, frame_id uuid, line_id text, camera_id text, model_version_id uuid, severity text, detections jsonb)
   ), ins AS (
     INSERT INTO alert (id, frame_id, line_id, camera_id, model_version_id, severity, detections)
     SELECT COALESCE(id, gen_random_uuid()), frame_id, line_id, camera_id, model_version_id, severity, detections FROM input
     ON CONFLICT (frame_id, model_version_id) DO NOTHING
     RETURNING id, frame_id, line_id, camera_id, model_version_id, severity, status, detections, kind, audit_reason, uncertainty,
               created_at, updated_at
   )
   SELECT true AS created, ins.* FROM ins
   UNION ALL
   SELECT false AS created, a.id, a.frame_id, a.line_id, a.camera_id, a.model_version_id, a.severity, a.status,
          a.detections, a.kind, a.audit_reason, a.uncertainty, a.created_at, a.updated_at
     FROM alert a
     JOIN input i ON a.frame_id = i.frame_id AND a.model_version_id = i.model_version_id
    WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.frame_id = i.frame_id AND ins.model_version_id = i.model_version_id)`,
);

/** Alerts: raised once per (frame, model version), listed for the console's review queue. */
export class AlertRepository {
  constructor(private readonly db: Database) {}

  /**
   * Raises the alert unless one exists for this frame and model version (redelivery is harmless).
   * One statement: the insert, or else the stored row. (A duplicate inserted concurrently and
   * committed after the statement's snapshot is not visible to it: then a second read finds it.)
   */
  async raiseOnce(input: NewAlert): Promise<RaisedAlert> {
    const [raised] = await this.raiseEachOnce([input]);
    return raised as RaisedAlert;
  }

  /**
   * `raiseOnce` for many frames in ONE statement (detection-inference raises a micro-batch's alerts
   * together), answers in the order asked. If the statement fails nothing is written; with a single
   * input the error names the record (FrameNotFoundError, ...), with several the caller raises
   * them one by one to find which.
   */
  async raiseEachOnce(inputs: readonly NewAlert[]): Promise<RaisedAlert[]> {
    if (inputs.length === 0) return [];
    const manager = managerOf(this.db);
    const pairOf = (frameId: string, modelVersionId: string) => `${frameId}/${modelVersionId}`;
    const unique = new Map<string, NewAlert>();
    for (const input of inputs)
      if (!unique.has(pairOf(input.frameId, input.modelVersionId))) unique.set(pairOf(input.frameId, input.modelVersionId), input);
    let rows: (AlertRow & { created: boolean })[];
    try {
      rows = await hotRows<AlertRow & { created: boolean }>(this.db, RAISE_EACH_ONCE, [
        JSON.stringify(
          [...unique.values()].map((input) => ({
            id: input.id ?? null,
            frame_id: input.frameId,
            line_id: input.lineId,
            camera_id: input.cameraId,
            model_version_id: input.modelVersionId,
            severity: input.severity,
            detections: input.detections.map(snapshotOf),
          })),
        ),
      ]);
    } catch (error) {
      throw inputs.length === 1 ? mapRaiseError(error, inputs[0] as NewAlert) : error;
    }
    const byPair = new Map(rows.map((row) => [pairOf(row.frame_id, row.model_version_id), row]));
    const raised: RaisedAlert[] = [];
    for (const input of inputs) {
      const key = pairOf(input.frameId, input.modelVersionId);
      const row = byPair.get(key);
      if (row) {
        raised.push({ alert: alertOfRow(row), created: row.created === true });
        // A pair asked twice was raised by the first asking: the second finds it stored.
        byPair.set(key, { ...row, created: false });
        continue;
      }
      const stored = await manager.findOneByOrFail(AlertEntity, { frameId: input.frameId, modelVersionId: input.modelVersionId });
      raised.push({ alert: toAlert(stored), created: false });
    }
    return raised;
  }

  /**
   * Stores the audit item unless the frame already has an alert row (of either kind) from this
   * model version: one item per frame and model version, so a redelivered event changes nothing.
   * `created` false answers the stored row, which may be a defect alert (then the frame is no
   * audit material).
   */
  async createAuditItemOnce(input: NewAuditItem): Promise<RaisedAlert> {
    const manager = managerOf(this.db);
    let rows: AlertRow[];
    try {
      rows = (await manager.query(
        `INSERT INTO alert (id, frame_id, line_id, camera_id, model_version_id, severity, detections, kind, audit_reason, uncertainty)
         VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5, 'low', $6::jsonb, 'audit', $7, $8)
         ON CONFLICT (frame_id, model_version_id) DO NOTHING
         RETURNING id, frame_id, line_id, camera_id, model_version_id, severity, status, detections, kind, audit_reason, uncertainty,
                   created_at, updated_at`,
        [
          input.id ?? null,
          input.frameId,
          input.lineId,
          input.cameraId,
          input.modelVersionId,
          JSON.stringify(input.detections.map(snapshotOf)),
          input.audit.reason,
          input.audit.uncertainty,
        ],
      )) as AlertRow[];
    } catch (error) {
      throw mapRaiseError(error, { ...input, severity: 'low' });
    }
    const row = rows[0];
    if (row) return { alert: alertOfRow(row), created: true };
    const stored = await manager.findOneByOrFail(AlertEntity, { frameId: input.frameId, modelVersionId: input.modelVersionId });
    return { alert: toAlert(stored), created: false };
  }

  /** The line's open audit items, counted no further than `upTo` (index ix_alert_audit_open). */
  async countOpenAuditItems(lineId: string, upTo: number): Promise<number> {
    const rows = (await managerOf(this.db).query(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM alert a WHERE a.line_id = $1 AND a.status = 'open' AND a.kind = 'audit' LIMIT $2
       ) capped`,
      [lineId, Math.max(0, Math.floor(upTo))],
    )) as { n: number | string }[];
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The audit queue: audit items matching the filter with their frame's facts, most uncertain
   * first, ties oldest first (continual-fine-tune's rankAuditItems rule, here in SQL), keyset-paged
   * on (uncertainty, created_at, id). A line's open items: ix_alert_audit_open, in this order.
   */
  async findAuditItems(filter: AuditItemFilter, page: AuditItemPage = {}): Promise<AlertWithFrame[]> {
    const where = [`a.kind = 'audit'`];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.status !== undefined) add((p) => `a.status = ${p}`, filter.status);
    if (filter.lineId !== undefined) add((p) => `a.line_id = ${p}`, filter.lineId);
    if (page.after) {
      params.push(page.after.uncertainty, page.after.createdAt, page.after.id);
      const [u, t, id] = [params.length - 2, params.length - 1, params.length];
      where.push(
        `(a.uncertainty < $${u}::float8 OR (a.uncertainty = $${u}::float8 AND (a.created_at, a.id) > ($${t}::timestamptz, $${id}::uuid)))`,
      );
    }
    params.push(clampLimit(page.limit));
    const rows = (await managerOf(this.db).query(
      `${ALERT_WITH_FRAME_SELECT}
        WHERE ${where.join(' AND ')}
        ORDER BY a.uncertainty DESC, a.created_at ASC, a.id ASC
        LIMIT $${params.length}`,
      params,
    )) as AlertWithFrameRow[];
    return rows.map(toAlertWithFrame);
  }

  async findById(alertId: string): Promise<Alert | null> {
    const row = await managerOf(this.db).findOneBy(AlertEntity, { id: alertId });
    return row ? toAlert(row) : null;
  }

  async findForFrame(frameId: string): Promise<Alert[]> {
    const rows = await managerOf(this.db).find(AlertEntity, { where: { frameId }, order: { createdAt: 'ASC' } });
    return rows.map(toAlert);
  }

  /** The review queue: the line's open defect alerts (not audit items), newest first, keyset-paginated (index ix_alert_line_open). */
  async findOpenAlertsForLine(lineId: string, page: AlertPage = {}): Promise<Alert[]> {
    const query = managerOf(this.db)
      .createQueryBuilder(AlertEntity, 'a')
      .where(`a.line_id = :lineId AND a.status = 'open' AND a.kind = 'defect'`, { lineId })
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(clampLimit(page.limit));
    if (page.before) {
      query.andWhere('(a.created_at, a.id) < (:beforeAt, :beforeId)', {
        beforeAt: page.before.createdAt,
        beforeId: page.before.id,
      });
    }
    return (await query.getMany()).map(toAlert);
  }

  /**
   * The console's queue: alerts matching the filter, newest first, keyset-paginated on
   * (created_at, id), with their frame's capture time and size. Served by ix_alert_line_created /
   * ix_alert_status_created; a class filter is jsonb containment on ix_alert_detections.
   */
  async findAlerts(filter: AlertFilter, page: AlertPage = {}): Promise<AlertWithFrame[]> {
    const { where, params } = filterConditions(filter);
    if (page.before) {
      params.push(page.before.createdAt, page.before.id);
      where.push(`(a.created_at, a.id) < ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(clampLimit(page.limit));
    const rows = (await managerOf(this.db).query(
      `${ALERT_WITH_FRAME_SELECT}
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.created_at DESC, a.id DESC
        LIMIT $${params.length}`,
      params,
    )) as AlertWithFrameRow[];
    return rows.map(toAlertWithFrame);
  }

  /** One alert with its frame's facts, or null. */
  async findWithFrame(alertId: string): Promise<AlertWithFrame | null> {
    const rows = (await managerOf(this.db).query(
      `${ALERT_WITH_FRAME_SELECT}
        WHERE a.id = $1`,
      [alertId],
    )) as AlertWithFrameRow[];
    const row = rows[0];
    return row ? toAlertWithFrame(row) : null;
  }

  /** The line's open defect alerts (audit items are not alerts). */
  async countOpenForLine(lineId: string): Promise<number> {
    return managerOf(this.db).countBy(AlertEntity, { lineId, status: 'open', kind: 'defect' });
  }

  /**
   * How many alerts match the filter, counting no further than `upTo`: min(matching, upTo). The
   * scan stops after `upTo` index entries, so the cost is bounded however large the table is;
   * open alerts are counted from the partial indexes ix_alert_open_filters / ix_alert_line_open
   * (index-only), other statuses from ix_alert_line_created / ix_alert_status_created.
   */
  async countAlerts(filter: AlertFilter, upTo: number): Promise<number> {
    const { where, params } = filterConditions(filter);
    params.push(Math.max(0, Math.floor(upTo)));
    const rows = (await managerOf(this.db).query(
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM alert a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} LIMIT $${params.length}
       ) capped`,
      params,
    )) as { n: number | string }[];
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * The planner's estimate of how many alerts match the filter (EXPLAIN: nothing is read, so it
   * is instant on any table; as good as the table's statistics, which autovacuum keeps).
   */
  async estimateAlerts(filter: AlertFilter): Promise<number> {
    const { where, params } = filterConditions(filter);
    // EXPLAIN takes no bind parameters: the values go in as literals, escaped by Postgres itself.
    const literals = (await managerOf(this.db).query(
      `SELECT ${params.map((_, i) => `quote_literal($${i + 1}::text) AS p${i}`).join(', ') || '1 AS none'}`,
      params,
    )) as Record<string, string>[];
    const row = literals[0] ?? {};
    const sql = `SELECT 1 FROM alert a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`.replace(/\$(\d+)/g, (_, n: string) => {
      const literal = row[`p${Number(n) - 1}`];
      if (literal === undefined) throw new Error(`BUG: no literal for $${n}`);
      return literal;
    });
    const plan = (await managerOf(this.db).query(`EXPLAIN (FORMAT JSON) ${sql}`)) as { 'QUERY PLAN': unknown }[];
    return Math.round(planRows(plan[0]?.['QUERY PLAN']));
  }

  /** Open defect alerts per line, each counted no further than `upTo` (a line without any is absent). */
  async countOpenPerLine(upTo: number): Promise<Map<string, number>> {
    const rows = (await managerOf(this.db).query(
      `SELECT l.id AS line_id, counted.n
         FROM production_line l
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS n FROM (
             SELECT 1 FROM alert a WHERE a.status = 'open' AND a.kind = 'defect' AND a.line_id = l.id LIMIT $1
           ) capped
         ) counted
        WHERE counted.n > 0`,
      [Math.max(0, Math.floor(upTo))],
    )) as { line_id: string; n: number | string }[];
    return new Map(rows.map((r) => [r.line_id, Number(r.n)]));
  }
}

/**
 * The filter as SQL conditions on `alert a` with their parameters ($1, $2, … in order). Always
 * defect alerts: the queue, its counts and its estimate never include audit items (a literal, so
 * the planner matches the partial indexes over open defect alerts).
 */
function filterConditions(filter: AlertFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [`a.kind = 'defect'`];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.status !== undefined) add((p) => `a.status = ${p}`, filter.status);
  if (filter.lineId !== undefined) add((p) => `a.line_id = ${p}`, filter.lineId);
  if (filter.cameraId !== undefined) add((p) => `a.camera_id = ${p}`, filter.cameraId);
  if (filter.severity !== undefined) add((p) => `a.severity = ${p}`, filter.severity);
  if (filter.className !== undefined) add((p) => `a.detections @> ${p}::jsonb`, JSON.stringify([{ className: filter.className }]));
  return { where, params };
}

/** The top node's row estimate of an `EXPLAIN (FORMAT JSON)` answer (pg gives it parsed or as text). */
function planRows(plan: unknown): number {
  const parsed = typeof plan === 'string' ? (JSON.parse(plan) as unknown) : plan;
  const top = Array.isArray(parsed) ? (parsed[0] as { Plan?: { 'Plan Rows'?: unknown } } | undefined) : undefined;
  const rows = Number(top?.Plan?.['Plan Rows']);
  return Number.isFinite(rows) ? rows : 0;
}

interface AlertRow {
  id: string;
  frame_id: string;
  line_id: string;
  camera_id: string;
  model_version_id: string;
  severity: string;
  status: string;
  detections: Detection[] | string;
  kind: string;
  audit_reason: string | null;
  uncertainty: number | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

interface AlertWithFrameRow extends AlertRow {
  captured_at: Date | string;
  width: number;
  height: number;
  object_key: string;
  template_key: string | null;
}

/** A raw alert row (pg parses timestamptz and jsonb; normalised anyway so every driver gives the same). */
function alertOfRow(row: AlertRow): Alert {
  return {
    id: row.id,
    frameId: row.frame_id,
    lineId: row.line_id,
    cameraId: row.camera_id,
    modelVersionId: row.model_version_id,
    severity: row.severity as Severity,
    status: row.status as AlertStatus,
    detections: typeof row.detections === 'string' ? (JSON.parse(row.detections) as Detection[]) : row.detections,
    ...kindOf(row.kind, row.audit_reason, row.uncertainty),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function toAlertWithFrame(row: AlertWithFrameRow): AlertWithFrame {
  return {
    ...alertOfRow(row),
    frame: {
      capturedAt: new Date(row.captured_at),
      width: Number(row.width),
      height: Number(row.height),
      objectKey: row.object_key,
      templateKey: row.template_key,
    },
  };
}

function snapshotOf(d: Detection): Detection {
  return { className: d.className, score: d.score, box: { x1: d.box.x1, y1: d.box.y1, x2: d.box.x2, y2: d.box.y2 } };
}

function mapRaiseError(error: unknown, input: NewAlert): unknown {
  const { code, constraint } = pgErrorInfo(error);
  if (code === PgErrorCodes.foreignKeyViolation) {
    if (constraint === 'fk_alert_frame') return new FrameNotFoundError(input.frameId, { cause: error });
    if (constraint === 'fk_alert_camera') return new CameraNotFoundError(input.lineId, input.cameraId, { cause: error });
    if (constraint === 'fk_alert_model_version') return new ModelVersionNotFoundError(input.modelVersionId, { cause: error });
  }
  if (isPgError(error, PgErrorCodes.uniqueViolation, 'pk_alert') && input.id !== undefined) {
    return new RecordConflictError('alert', input.id);
  }
  if (code === PgErrorCodes.checkViolation) return new InvalidRecordError(constraint ?? 'unknown', { cause: error });
  return error;
}
