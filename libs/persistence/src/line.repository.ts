import type { Severity } from '@argus/contracts';
import { CameraEntity } from './entities/camera.entity';
import { LineAlertRuleEntity } from './entities/line-alert-rule.entity';
import { LineTemplateEntity } from './entities/line-template.entity';
import { ProductionLineEntity } from './entities/production-line.entity';
import { inTransaction, managerOf } from './database-handle.helper';
import type { Database } from './database';
import { lockLine } from './line-lock.query';
import { LineNotFoundError } from './persistence.errors';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

/** Per-line tuning the console edits. Free-form beyond the known keys, so new hints need no migration. */
export interface LineSettings {
  /** Frames from one camera with the same content within this window count as one. */
  readonly dedupWindowSeconds?: number;
  /** Hints for detection-inference's micro-batching on this line. */
  readonly microBatch?: { readonly maxSize?: number; readonly maxWaitMs?: number };
  readonly [key: string]: unknown;
}

export interface ProductionLine {
  readonly id: string;
  readonly name: string;
  readonly settings: LineSettings;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Camera {
  readonly lineId: string;
  readonly id: string;
  readonly name: string;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** When a detection of `className` raises an alert on a line. `className` "*" covers every other class. */
export interface AlertRule {
  readonly className: string;
  readonly minScore: number;
  readonly minBoxAreaPx2: number;
  readonly severity: Severity;
}

export interface LineTemplate {
  readonly lineId: string;
  readonly objectKey: string;
  readonly width: number;
  readonly height: number;
  readonly createdAt: Date;
}

/** What camera-ingest needs to accept a frame, found in one query. */
export interface IngestTarget {
  readonly lineId: string;
  /** Null when the line exists but has no such camera. */
  readonly camera: { readonly lineId: string; readonly id: string } | null;
  readonly template: { readonly objectKey: string; readonly width: number; readonly height: number } | null;
}

/** What decides a frame's alert on a line: its rules and its settings (dedup window, ...). */
export interface LineAlertPolicy {
  readonly lineId: string;
  readonly settings: LineSettings;
  readonly alertRules: readonly AlertRule[];
}

export interface LineWithCameras {
  readonly line: ProductionLine;
  readonly cameras: readonly Camera[];
  readonly alertRules: readonly AlertRule[];
  readonly template: LineTemplate | null;
}

/** Production lines, their cameras, alert rules and golden template. */
export class LineRepository {
  constructor(private readonly db: Database) {}

  /** Creates the line or renames it / replaces its settings. */
  async upsertLine(input: { id: string; name: string; settings?: LineSettings }): Promise<ProductionLine> {
    const manager = managerOf(this.db);
    await manager.query(
      `INSERT INTO production_line (id, name, settings) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, settings = EXCLUDED.settings, updated_at = now()`,
      [input.id, input.name, JSON.stringify(input.settings ?? {})],
    );
    return toLine(await manager.findOneByOrFail(ProductionLineEntity, { id: input.id }));
  }

  /**
   * Creates the line unless its id is taken: null when it is (the console answers 409), where
   * `upsertLine` would have renamed the existing line.
   */
  async createLineIfAbsent(input: { id: string; name: string; settings?: LineSettings }): Promise<ProductionLine | null> {
    const manager = managerOf(this.db);
    const rows = (await manager.query(
      `INSERT INTO production_line (id, name, settings) VALUES ($1, $2, $3::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [input.id, input.name, JSON.stringify(input.settings ?? {})],
    )) as { id: string }[];
    if (rows.length === 0) return null;
    return toLine(await manager.findOneByOrFail(ProductionLineEntity, { id: input.id }));
  }

  async findLine(lineId: string): Promise<ProductionLine | null> {
    const row = await managerOf(this.db).findOneBy(ProductionLineEntity, { id: lineId });
    return row ? toLine(row) : null;
  }

  async listLines(): Promise<ProductionLine[]> {
    const rows = await managerOf(this.db).find(ProductionLineEntity, { order: { id: 'ASC' } });
    return rows.map(toLine);
  }

  /** Adds the camera to the line, or renames it / replaces its settings. */
  async addCamera(input: { lineId: string; id: string; name: string; settings?: Record<string, unknown> }): Promise<Camera> {
    const manager = managerOf(this.db);
    try {
      await manager.query(
        `INSERT INTO camera (line_id, id, name, settings) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (line_id, id) DO UPDATE SET name = EXCLUDED.name, settings = EXCLUDED.settings, updated_at = now()`,
        [input.lineId, input.id, input.name, JSON.stringify(input.settings ?? {})],
      );
    } catch (error) {
      if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_camera_line')) {
        throw new LineNotFoundError(input.lineId, { cause: error });
      }
      throw error;
    }
    return toCamera(await manager.findOneByOrFail(CameraEntity, { lineId: input.lineId, id: input.id }));
  }

  async findCamera(lineId: string, cameraId: string): Promise<Camera | null> {
    const row = await managerOf(this.db).findOneBy(CameraEntity, { lineId, id: cameraId });
    return row ? toCamera(row) : null;
  }

  /** Replaces the line's rules as a whole (what the console's rule editor saves), in one transaction. */
  async setAlertRules(lineId: string, rules: readonly AlertRule[]): Promise<AlertRule[]> {
    return inTransaction(this.db, async (manager) => {
      await lockLine(manager, lineId);
      await manager.delete(LineAlertRuleEntity, { lineId });
      if (rules.length > 0) {
        await manager.insert(
          LineAlertRuleEntity,
          rules.map((rule) => ({
            lineId,
            className: rule.className,
            minScore: rule.minScore,
            minBoxAreaPx2: rule.minBoxAreaPx2,
            severity: rule.severity,
          })),
        );
      }
      return (await manager.find(LineAlertRuleEntity, { where: { lineId }, order: { className: 'ASC' } })).map(toRule);
    });
  }

  async alertRulesFor(lineId: string): Promise<AlertRule[]> {
    const rows = await managerOf(this.db).find(LineAlertRuleEntity, { where: { lineId }, order: { className: 'ASC' } });
    return rows.map(toRule);
  }

  /**
   * The line's alert rules and settings in one round trip (detection-inference decides every
   * frame's alert with them). Null when the line does not exist.
   */
  async alertPolicyFor(lineId: string): Promise<LineAlertPolicy | null> {
    const rows = (await managerOf(this.db).query(
      `SELECT l.id, l.settings,
              (SELECT coalesce(json_agg(json_build_object(
                        'className', r.class_name, 'minScore', r.min_score, 'minBoxAreaPx2', r.min_box_area_px2,
                        'severity', r.severity) ORDER BY r.class_name), '[]'::json)
                 FROM line_alert_rule r WHERE r.line_id = l.id) AS rules
         FROM production_line l
        WHERE l.id = $1`,
      [lineId],
    )) as { id: string; settings: LineSettings | string; rules: AlertRule[] | string }[];
    const row = rows[0];
    if (!row) return null;
    const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
    return {
      lineId: row.id,
      settings: json(row.settings),
      alertRules: json(row.rules).map((r) => ({
        className: r.className,
        minScore: Number(r.minScore),
        minBoxAreaPx2: Number(r.minBoxAreaPx2),
        severity: r.severity,
      })),
    };
  }

  /** Sets (or replaces) the line's golden template. */
  async setTemplate(lineId: string, template: { objectKey: string; width: number; height: number }): Promise<LineTemplate> {
    const manager = managerOf(this.db);
    try {
      await manager.query(
        `INSERT INTO line_template (line_id, object_key, width, height) VALUES ($1, $2, $3, $4)
         ON CONFLICT (line_id) DO UPDATE
           SET object_key = EXCLUDED.object_key, width = EXCLUDED.width, height = EXCLUDED.height, created_at = now()`,
        [lineId, template.objectKey, template.width, template.height],
      );
    } catch (error) {
      if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_line_template_line')) {
        throw new LineNotFoundError(lineId, { cause: error });
      }
      throw error;
    }
    return toTemplate(await manager.findOneByOrFail(LineTemplateEntity, { lineId }));
  }

  async clearTemplate(lineId: string): Promise<void> {
    await managerOf(this.db).delete(LineTemplateEntity, { lineId });
  }

  async templateFor(lineId: string): Promise<LineTemplate | null> {
    const row = await managerOf(this.db).findOneBy(LineTemplateEntity, { lineId });
    return row ? toTemplate(row) : null;
  }

  /**
   * The line, the camera and the line's golden template in one round trip (camera-ingest asks
   * this for every frame). Null when the line does not exist.
   */
  async findIngestTarget(lineId: string, cameraId: string): Promise<IngestTarget | null> {
    const rows = (await managerOf(this.db).query(
      `SELECT l.id AS line_id, c.id AS camera_id, t.object_key, t.width, t.height
         FROM production_line l
         LEFT JOIN camera c ON c.line_id = l.id AND c.id = $2
         LEFT JOIN line_template t ON t.line_id = l.id
        WHERE l.id = $1`,
      [lineId, cameraId],
    )) as { line_id: string; camera_id: string | null; object_key: string | null; width: number | null; height: number | null }[];
    const row = rows[0];
    if (!row) return null;
    return {
      lineId: row.line_id,
      camera: row.camera_id === null ? null : { lineId: row.line_id, id: row.camera_id },
      template:
        row.object_key === null || row.width === null || row.height === null
          ? null
          : { objectKey: row.object_key, width: row.width, height: row.height },
    };
  }

  /** Everything the console's line page and the services' per-line caches need, in one call. */
  async findLineWithCameras(lineId: string): Promise<LineWithCameras | null> {
    const manager = managerOf(this.db);
    const line = await manager.findOneBy(ProductionLineEntity, { id: lineId });
    if (!line) return null;
    const [cameras, rules, template] = await Promise.all([
      manager.find(CameraEntity, { where: { lineId }, order: { id: 'ASC' } }),
      manager.find(LineAlertRuleEntity, { where: { lineId }, order: { className: 'ASC' } }),
      manager.findOneBy(LineTemplateEntity, { lineId }),
    ]);
    return {
      line: toLine(line),
      cameras: cameras.map(toCamera),
      alertRules: rules.map(toRule),
      template: template ? toTemplate(template) : null,
    };
  }
}

function toLine(row: ProductionLineEntity): ProductionLine {
  return { id: row.id, name: row.name, settings: row.settings, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function toCamera(row: CameraEntity): Camera {
  return {
    lineId: row.lineId,
    id: row.id,
    name: row.name,
    settings: row.settings,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toRule(row: LineAlertRuleEntity): AlertRule {
  return {
    className: row.className,
    minScore: row.minScore,
    minBoxAreaPx2: row.minBoxAreaPx2,
    severity: row.severity as Severity,
  };
}

function toTemplate(row: LineTemplateEntity): LineTemplate {
  return { lineId: row.lineId, objectKey: row.objectKey, width: row.width, height: row.height, createdAt: row.createdAt };
}
