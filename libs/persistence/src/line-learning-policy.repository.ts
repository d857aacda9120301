import type { Database } from './database';
import { lockLine } from './line-lock.query';
import { managerOf } from './database-handle.helper';

/**
 * A line's own learning policy as stored. Null in a setting: the service's default. What the
 * settings mean, how they merge over the defaults and when a shadow is promoted are decided in
 * continual-fine-tune (`triggers/`, `promotion/`), not here.
 */
export interface LineLearningPolicySettings {
  readonly newLabelsEnabled: boolean | null;
  readonly minNewLabels: number | null;
  readonly unknownClassEnabled: boolean | null;
  readonly rejectRateEnabled: boolean | null;
  readonly rejectRateWindow: number | null;
  readonly rejectRateMax: number | null;
  readonly scoreShiftEnabled: boolean | null;
  readonly scoreShiftMaxDistance: number | null;
  readonly scoreShiftMinFrames: number | null;
  readonly scheduleEnabled: boolean | null;
  readonly scheduleHours: number | null;
  readonly autoPromoteEnabled: boolean;
  readonly autoPromoteMinFrames: number | null;
  readonly autoPromoteMinAgreement: number | null;
}

export interface LineLearningPolicy extends LineLearningPolicySettings {
  readonly lineId: string;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

export interface LineLearningPolicyWrite extends LineLearningPolicySettings {
  readonly lineId: string;
  readonly updatedBy: string;
}

/** What a write replaced (null: the line had no policy of its own) and what it stored. */
export interface LineLearningPolicyChange {
  readonly before: LineLearningPolicy | null;
  readonly after: LineLearningPolicy;
}

/** Every setting null and auto-promotion off: a line without a row of its own follows this. */
export const NO_LINE_LEARNING_SETTINGS: LineLearningPolicySettings = {
  newLabelsEnabled: null,
  minNewLabels: null,
  unknownClassEnabled: null,
  rejectRateEnabled: null,
  rejectRateWindow: null,
  rejectRateMax: null,
  scoreShiftEnabled: null,
  scoreShiftMaxDistance: null,
  scoreShiftMinFrames: null,
  scheduleEnabled: null,
  scheduleHours: null,
  autoPromoteEnabled: false,
  autoPromoteMinFrames: null,
  autoPromoteMinAgreement: null,
};

interface PolicyRow {
  line_id: string;
  new_labels_enabled: boolean | null;
  min_new_labels: number | null;
  unknown_class_enabled: boolean | null;
  reject_rate_enabled: boolean | null;
  reject_rate_window: number | null;
  reject_rate_max: number | string | null;
  score_shift_enabled: boolean | null;
  score_shift_max_distance: number | string | null;
  score_shift_min_frames: number | null;
  schedule_enabled: boolean | null;
  schedule_hours: number | string | null;
  auto_promote_enabled: boolean;
  auto_promote_min_frames: number | null;
  auto_promote_min_agreement: number | string | null;
  updated_by: string;
  updated_at: Date | string;
}

const COLUMNS = `line_id, new_labels_enabled, min_new_labels, unknown_class_enabled, reject_rate_enabled, reject_rate_window,
  reject_rate_max, score_shift_enabled, score_shift_max_distance, score_shift_min_frames, schedule_enabled, schedule_hours,
  auto_promote_enabled, auto_promote_min_frames, auto_promote_min_agreement, updated_by, updated_at`;

/** `line_learning_policy`: one row per line, read and written whole. */
export class LineLearningPolicyRepository {
  constructor(private readonly db: Database) {}

  /** The line's own policy; null when it has none (it follows the service defaults). */
  async findForLine(lineId: string): Promise<LineLearningPolicy | null> {
    const [row] = await this.db.query<PolicyRow>(`SELECT ${COLUMNS} FROM line_learning_policy WHERE line_id = $1`, [lineId]);
    return row ? toPolicy(row) : null;
  }

  /** The lines whose policy turns auto-promotion on, by line id. */
  async withAutoPromotion(): Promise<LineLearningPolicy[]> {
    const rows = await this.db.query<PolicyRow>(`SELECT ${COLUMNS} FROM line_learning_policy WHERE auto_promote_enabled ORDER BY line_id`);
    return rows.map(toPolicy);
  }

  /**
   * Replaces the line's policy (every setting, as given) and answers what it replaced, with the
   * line's row locked so two writers apply one after the other and each `before` is exact. Joins
   * the caller's transaction when there is one (an audit entry then commits with it). Throws
   * `LineNotFoundError` for an unknown line.
   */
  async replace(policy: LineLearningPolicyWrite): Promise<LineLearningPolicyChange> {
    return this.db.transaction(async (tx) => {
      await lockLine(managerOf(tx), policy.lineId);
      const [before] = await tx.query<PolicyRow>(`SELECT ${COLUMNS} FROM line_learning_policy WHERE line_id = $1`, [policy.lineId]);
      const [after] = await tx.query<PolicyRow>(
        `INSERT INTO line_learning_policy (line_id, new_labels_enabled, min_new_labels, unknown_class_enabled, reject_rate_enabled,
           reject_rate_window, reject_rate_max, score_shift_enabled, score_shift_max_distance, score_shift_min_frames, schedule_enabled,
           schedule_hours, auto_promote_enabled, auto_promote_min_frames, auto_promote_min_agreement, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())
         ON CONFLICT (line_id) DO UPDATE SET
           new_labels_enabled = EXCLUDED.new_labels_enabled, min_new_labels = EXCLUDED.min_new_labels,
           unknown_class_enabled = EXCLUDED.unknown_class_enabled, reject_rate_enabled = EXCLUDED.reject_rate_enabled,
           reject_rate_window = EXCLUDED.reject_rate_window, reject_rate_max = EXCLUDED.reject_rate_max,
           score_shift_enabled = EXCLUDED.score_shift_enabled, score_shift_max_distance = EXCLUDED.score_shift_max_distance,
           score_shift_min_frames = EXCLUDED.score_shift_min_frames, schedule_enabled = EXCLUDED.schedule_enabled,
           schedule_hours = EXCLUDED.schedule_hours, auto_promote_enabled = EXCLUDED.auto_promote_enabled,
           auto_promote_min_frames = EXCLUDED.auto_promote_min_frames, auto_promote_min_agreement = EXCLUDED.auto_promote_min_agreement,
           updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
         RETURNING ${COLUMNS}`,
        [
          policy.lineId,
          policy.newLabelsEnabled,
          policy.minNewLabels,
          policy.unknownClassEnabled,
          policy.rejectRateEnabled,
          policy.rejectRateWindow,
          policy.rejectRateMax,
          policy.scoreShiftEnabled,
          policy.scoreShiftMaxDistance,
          policy.scoreShiftMinFrames,
          policy.scheduleEnabled,
          policy.scheduleHours,
          policy.autoPromoteEnabled,
          policy.autoPromoteMinFrames,
          policy.autoPromoteMinAgreement,
          policy.updatedBy,
        ],
      );
      if (!after) throw new Error('BUG: INSERT … RETURNING returned no row');
      return { before: before ? toPolicy(before) : null, after: toPolicy(after) };
    });
  }
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toPolicy(row: PolicyRow): LineLearningPolicy {
  return {
    lineId: row.line_id,
    newLabelsEnabled: row.new_labels_enabled,
    minNewLabels: num(row.min_new_labels),
    unknownClassEnabled: row.unknown_class_enabled,
    rejectRateEnabled: row.reject_rate_enabled,
    rejectRateWindow: num(row.reject_rate_window),
    rejectRateMax: num(row.reject_rate_max),
    scoreShiftEnabled: row.score_shift_enabled,
    scoreShiftMaxDistance: num(row.score_shift_max_distance),
    scoreShiftMinFrames: num(row.score_shift_min_frames),
    scheduleEnabled: row.schedule_enabled,
    scheduleHours: num(row.schedule_hours),
    autoPromoteEnabled: row.auto_promote_enabled,
    autoPromoteMinFrames: num(row.auto_promote_min_frames),
    autoPromoteMinAgreement: num(row.auto_promote_min_agreement),
    updatedBy: row.updated_by,
    updatedAt: new Date(row.updated_at),
  };
}
