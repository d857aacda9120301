import { isDeepStrictEqual } from 'node:util';
import { In } from 'typeorm';
import { LineProductionModelEntity } from './entities/line-production-model.entity';
import { ModelPromotionEntity } from './entities/model-promotion.entity';
import { ModelVersionEntity } from './entities/model-version.entity';
import { AuditLogRepository } from './audit-log.repository';
import { hotRows, hotStatement, inTransaction, managerOf } from './database-handle.helper';
import type { Database } from './database';
import { lockLine } from './line-lock.query';
import { ModelVersionConflictError, ModelVersionNotFoundError } from './persistence.errors';
import { clampLimit } from './page-limit.helper';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

/** One class's evaluation: COCO AP at IoU 0.5 and averaged over 0.5:0.95, and the IoU-0.5 PR curve. */
export interface ClassEvaluation {
  readonly className: string;
  /** Null when the evaluation set has no ground truth of the class. */
  readonly ap50: number | null;
  readonly ap: number | null;
  readonly curve50: { readonly recall: readonly number[]; readonly precision: readonly number[] } | null;
}

/** The evaluation report of a version, compacted for the console (curves thinned). */
export interface ModelEvaluation {
  /** What it was evaluated on, e.g. `deeppcb:../datasets/deeppcb`, and which split. */
  readonly data: string;
  readonly split: string;
  /**
   * Identifies the evaluated samples (the training-data fingerprint's recipe over them), when the
   * report recorded it; two evaluations with equal fingerprints scored the same images.
   */
  readonly fingerprint?: string;
  readonly imageCount: number;
  readonly map50: number;
  readonly map: number;
  readonly perClass: readonly ClassEvaluation[];
}

/** Where a version's training data came from (lineage). */
export interface TrainingDataLineage {
  readonly source: string;
  readonly fingerprint: string;
  readonly split: string;
  /** The TF.js backend the version was trained on (`tfjs-node-gpu`, `tfjs-node`, `wasm`, `cpu`), when recorded. */
  readonly trainedOn?: string;
}

/** A line's production pointer, without the version's details. */
export interface ProductionPointer {
  readonly lineId: string;
  readonly modelVersionId: string;
  readonly promotionId: string;
  readonly promotedAt: Date;
}

export interface ModelVersion {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  /** Object-store key of the trained artifact. */
  readonly artifactKey: string;
  readonly classes: readonly string[];
  /** Architecture and preprocessing, as the trainer wrote them (input size, anchors, ...). */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly usesTemplate: boolean;
  readonly parentVersionId: string | null;
  /** Identifies the exact training data (e.g. a hash of the sample list), for reproducibility. */
  readonly trainingDataFingerprint: string | null;
  /** Runtime the artifact is for, e.g. `tfjs` or `onnx`. */
  readonly backend: string;
  readonly createdAt: Date;
}

/** A version with what the console's model pages show besides (larger, so only read on request). */
export interface ModelVersionDetails extends ModelVersion {
  /** Null when the version was registered without an evaluation report. */
  readonly evaluation: ModelEvaluation | null;
  readonly trainingData: TrainingDataLineage | null;
}

export type NewModelVersion = Omit<
  ModelVersion,
  'id' | 'createdAt' | 'spec' | 'metrics' | 'parentVersionId' | 'trainingDataFingerprint' | 'usesTemplate'
> & {
  readonly evaluation?: ModelEvaluation | null;
  readonly trainingData?: TrainingDataLineage | null;
  readonly id?: string;
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly usesTemplate?: boolean;
  readonly parentVersionId?: string | null;
  readonly trainingDataFingerprint?: string | null;
};

export interface RegisteredModelVersion {
  readonly version: ModelVersion;
  /** False when this name and version were already registered with the same content. */
  readonly created: boolean;
}

export type PromotionKind = 'promotion' | 'rollback';

export interface Promotion {
  readonly id: string;
  readonly lineId: string;
  readonly fromVersionId: string | null;
  readonly toVersionId: string;
  readonly kind: PromotionKind;
  readonly promotedBy: string;
  readonly reason: string;
  readonly promotedAt: Date;
}

/** A promotion history entry and the one beneath it (what a rollback from it restores; null for a line's first). */
export interface ProductionEntry {
  readonly promotion: Promotion;
  readonly previousPromotionId: string | null;
}

/** A move of a line's production pointer, as the registry's rules decided it: the entry to append. */
export type PointerMove = Omit<Promotion, 'id' | 'promotedAt'> & {
  /** The entry the new one stacks on: where the next rollback returns. */
  readonly previousPromotionId: string | null;
};

/** What a version must match to serve a line. */
export interface LineServingRequirements {
  readonly hasTemplate: boolean;
  /** The classes the line's alert rules name (rules on `*` left out). */
  readonly alertRuleClasses: readonly string[];
}

/** The repositories of a `withLineLocked` transaction: what they write commits together. */
export interface RegistryTransaction {
  readonly registry: ModelRegistryRepository;
  readonly audit: AuditLogRepository;
}

export interface ProductionModel {
  readonly lineId: string;
  readonly modelVersion: ModelVersion;
  readonly promotionId: string;
  readonly promotedAt: Date;
}

/** Fields that must match for a repeated registration to count as the same version. */
const IDENTITY_FIELDS = ['artifactKey', 'classes', 'backend', 'usesTemplate', 'parentVersionId'] as const;

// detection-inference reads it at every batch start.
const PRODUCTION_MODEL_FOR = hotStatement(
  'production_model_for',
  `SELECT p.promotion_id, p.promoted_at,
          v.id, v.name, v.version, v.artifact_key, v.classes, v.spec, v.metrics, v.uses_template,
          v.parent_version_id, v.training_data_fingerprint, v.backend, v.created_at
     FROM line_production_model p
     JOIN model_version v ON v.id = p.model_version_id
    WHERE p.line_id = $1`,
);

/**
 * The model registry and each line's production pointer: reads and writes only. Whether a move is
 * allowed and where a rollback goes are the registry domain's rules (`@argus/registry`); it runs
 * them inside `withLineLocked`, so the decision and its writes happen under the line's lock.
 */
export class ModelRegistryRepository {
  constructor(private readonly db: Database) {}

  /**
   * Registers a trained version. Versions are immutable: registering the same name and version
   * again returns the stored one when it is the same artifact, else `ModelVersionConflictError`.
   */
  async register(input: NewModelVersion): Promise<RegisteredModelVersion> {
    const manager = managerOf(this.db);
    let inserted: unknown[];
    try {
      inserted = (await manager.query(
        `INSERT INTO model_version
           (id, name, version, artifact_key, classes, spec, metrics, uses_template, parent_version_id,
            training_data_fingerprint, backend, evaluation, training_data)
         VALUES (COALESCE($1::uuid, gen_random_uuid()), $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10, $11,
                 $12::jsonb, $13::jsonb)
         ON CONFLICT (name, version) DO NOTHING
         RETURNING id`,
        [
          input.id ?? null,
          input.name,
          input.version,
          input.artifactKey,
          JSON.stringify(input.classes),
          JSON.stringify(input.spec ?? {}),
          JSON.stringify(input.metrics ?? {}),
          input.usesTemplate ?? false,
          input.parentVersionId ?? null,
          input.trainingDataFingerprint ?? null,
          input.backend,
          input.evaluation ? JSON.stringify(input.evaluation) : null,
          input.trainingData ? JSON.stringify(input.trainingData) : null,
        ],
      )) as unknown[];
    } catch (error) {
      if (isPgError(error, PgErrorCodes.foreignKeyViolation, 'fk_model_version_parent') && input.parentVersionId) {
        throw new ModelVersionNotFoundError(input.parentVersionId, { cause: error });
      }
      throw error;
    }
    const storedRow = await manager.findOneByOrFail(ModelVersionEntity, { name: input.name, version: input.version });
    const stored = toModelVersion(storedRow);
    if (inserted.length === 0) {
      const wanted = { ...input, usesTemplate: input.usesTemplate ?? false, parentVersionId: input.parentVersionId ?? null };
      const differing = IDENTITY_FIELDS.find((field) => !isDeepStrictEqual(stored[field], wanted[field]));
      if (differing) throw new ModelVersionConflictError(input.name, input.version, differing);
      // The report and lineage describe the version; they are not its identity. A version
      // registered before they were recorded gets them once (never overwritten).
      if ((storedRow.evaluation === null && input.evaluation) || (storedRow.trainingData === null && input.trainingData)) {
        await manager.query(
          `UPDATE model_version
              SET evaluation = COALESCE(evaluation, $2::jsonb), training_data = COALESCE(training_data, $3::jsonb)
            WHERE id = $1`,
          [
            stored.id,
            input.evaluation ? JSON.stringify(input.evaluation) : null,
            input.trainingData ? JSON.stringify(input.trainingData) : null,
          ],
        );
      }
    }
    return { version: stored, created: inserted.length > 0 };
  }

  async findVersion(modelVersionId: string): Promise<ModelVersion | null> {
    const row = await managerOf(this.db).findOneBy(ModelVersionEntity, { id: modelVersionId });
    return row ? toModelVersion(row) : null;
  }

  async findByNameAndVersion(name: string, version: string): Promise<ModelVersion | null> {
    const row = await managerOf(this.db).findOneBy(ModelVersionEntity, { name, version });
    return row ? toModelVersion(row) : null;
  }

  /** Registered versions, newest first; only those of `name` when given. */
  async listVersions(options: { name?: string; limit?: number } = {}): Promise<ModelVersion[]> {
    const rows = await managerOf(this.db).find(ModelVersionEntity, {
      where: options.name === undefined ? {} : { name: options.name },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: clampLimit(options.limit),
    });
    return rows.map(toModelVersion);
  }

  /**
   * Runs `work` in one transaction with the line's row locked, so concurrent moves of one line's
   * production pointer apply one after the other: what `work` reads (the pointer, the line's
   * requirements) stays true until what it writes (the move, its audit entry) commits. Throws
   * `LineNotFoundError` when there is no such line.
   */
  async withLineLocked<T>(lineId: string, work: (tx: RegistryTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.db, async (manager, tx) => {
      await lockLine(manager, lineId);
      return work({ registry: new ModelRegistryRepository(tx), audit: new AuditLogRepository(tx) });
    });
  }

  /** What a version must match to serve the line: its golden template, and the classes its alert rules name. */
  async servingRequirements(lineId: string): Promise<LineServingRequirements> {
    const manager = managerOf(this.db);
    const template = (await manager.query(`SELECT 1 FROM line_template WHERE line_id = $1`, [lineId])) as unknown[];
    const rules = (await manager.query(`SELECT class_name FROM line_alert_rule WHERE line_id = $1 AND class_name <> '*'`, [lineId])) as {
      class_name: string;
    }[];
    return { hasTemplate: template.length > 0, alertRuleClasses: rules.map((r) => r.class_name) };
  }

  /** The promotion the line's production pointer stands on, or null when the line has no production model. */
  async productionEntry(lineId: string): Promise<ProductionEntry | null> {
    const manager = managerOf(this.db);
    const current = await manager.findOneBy(LineProductionModelEntity, { lineId });
    if (!current) return null;
    return toProductionEntry(await manager.findOneByOrFail(ModelPromotionEntity, { id: current.promotionId }));
  }

  /** One entry of the promotion history, with the entry beneath it. */
  async promotionEntry(promotionId: string): Promise<ProductionEntry> {
    return toProductionEntry(await managerOf(this.db).findOneByOrFail(ModelPromotionEntity, { id: promotionId }));
  }

  /**
   * Writes a move already decided: appends it to the promotion history and points the line at its
   * version, in one transaction (the caller's, from `withLineLocked`, when there is one).
   */
  async movePointer(move: PointerMove): Promise<Promotion> {
    return inTransaction(this.db, async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO model_promotion (line_id, from_version_id, to_version_id, kind, promoted_by, reason, previous_promotion_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id`,
        [move.lineId, move.fromVersionId, move.toVersionId, move.kind, move.promotedBy, move.reason, move.previousPromotionId],
      )) as { id: string }[];
      const id = inserted[0]?.id;
      if (id === undefined) throw new Error('BUG: INSERT … RETURNING returned no row');
      const entry = await manager.findOneByOrFail(ModelPromotionEntity, { id });
      await manager.query(
        `INSERT INTO line_production_model (line_id, model_version_id, promotion_id, promoted_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (line_id) DO UPDATE
           SET model_version_id = EXCLUDED.model_version_id,
               promotion_id = EXCLUDED.promotion_id,
               promoted_at = EXCLUDED.promoted_at`,
        [move.lineId, move.toVersionId, entry.id, entry.promotedAt],
      );
      return toPromotion(entry);
    });
  }

  /**
   * The line's production pointer and its version. detection-inference asks at every batch start:
   * one indexed join in plain SQL, without the version's evaluation report (large, not needed here).
   */
  async productionModelFor(lineId: string): Promise<ProductionModel | null> {
    const rows = await hotRows<ProductionModelRow>(this.db, PRODUCTION_MODEL_FOR, [lineId]);
    const row = rows[0];
    if (!row) return null;
    return {
      lineId,
      modelVersion: {
        id: row.id,
        name: row.name,
        version: row.version,
        artifactKey: row.artifact_key,
        classes: row.classes,
        spec: row.spec,
        metrics: row.metrics,
        usesTemplate: row.uses_template,
        parentVersionId: row.parent_version_id,
        trainingDataFingerprint: row.training_data_fingerprint,
        backend: row.backend,
        createdAt: row.created_at,
      },
      promotionId: row.promotion_id,
      promotedAt: row.promoted_at,
    };
  }

  /** Every line's production pointer (the console's model list shows where each version runs). */
  async productionPointers(): Promise<ProductionPointer[]> {
    const rows = await managerOf(this.db).find(LineProductionModelEntity, { order: { lineId: 'ASC' } });
    return rows.map((r) => ({ lineId: r.lineId, modelVersionId: r.modelVersionId, promotionId: r.promotionId, promotedAt: r.promotedAt }));
  }

  /** The versions with these ids, with evaluation and lineage (unknown ids are left out). */
  async findVersionDetails(modelVersionIds: readonly string[]): Promise<ModelVersionDetails[]> {
    if (modelVersionIds.length === 0) return [];
    const rows = await managerOf(this.db).findBy(ModelVersionEntity, { id: In([...new Set(modelVersionIds)]) });
    return rows.map(toModelVersionDetails);
  }

  /** Every promotion and rollback, on any line, to or from the version, newest first. */
  async promotionsOfVersion(modelVersionId: string, options: { limit?: number } = {}): Promise<Promotion[]> {
    const rows = await managerOf(this.db).find(ModelPromotionEntity, {
      where: [{ toVersionId: modelVersionId }, { fromVersionId: modelVersionId }],
      order: { promotedAt: 'DESC', id: 'DESC' },
      take: clampLimit(options.limit),
    });
    return rows.map(toPromotion);
  }

  /** The line's promotions and rollbacks, newest first. */
  async promotionHistory(lineId: string, options: { limit?: number } = {}): Promise<Promotion[]> {
    const rows = await managerOf(this.db).find(ModelPromotionEntity, {
      where: { lineId },
      order: { promotedAt: 'DESC', id: 'DESC' },
      take: clampLimit(options.limit),
    });
    return rows.map(toPromotion);
  }
}

interface ProductionModelRow {
  readonly promotion_id: string;
  readonly promoted_at: Date;
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly artifact_key: string;
  readonly classes: string[];
  readonly spec: Record<string, unknown>;
  readonly metrics: Record<string, number>;
  readonly uses_template: boolean;
  readonly parent_version_id: string | null;
  readonly training_data_fingerprint: string | null;
  readonly backend: string;
  readonly created_at: Date;
}

function toModelVersion(row: ModelVersionEntity): ModelVersion {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    artifactKey: row.artifactKey,
    classes: row.classes,
    spec: row.spec,
    metrics: row.metrics,
    usesTemplate: row.usesTemplate,
    parentVersionId: row.parentVersionId,
    trainingDataFingerprint: row.trainingDataFingerprint,
    backend: row.backend,
    createdAt: row.createdAt,
  };
}

function toModelVersionDetails(row: ModelVersionEntity): ModelVersionDetails {
  return {
    ...toModelVersion(row),
    evaluation: row.evaluation as ModelEvaluation | null,
    trainingData: row.trainingData as TrainingDataLineage | null,
  };
}

function toProductionEntry(row: ModelPromotionEntity): ProductionEntry {
  return { promotion: toPromotion(row), previousPromotionId: row.previousPromotionId };
}

function toPromotion(row: ModelPromotionEntity): Promotion {
  return {
    id: row.id,
    lineId: row.lineId,
    fromVersionId: row.fromVersionId,
    toVersionId: row.toVersionId,
    kind: row.kind as PromotionKind,
    promotedBy: row.promotedBy,
    reason: row.reason,
    promotedAt: row.promotedAt,
  };
}
