import {
  type AuditLogRepository,
  type Database,
  type LineLearningPolicy,
  type LineLearningPolicySettings,
  type LineRepository,
  NO_LINE_LEARNING_SETTINGS,
} from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';

/** The audit action of a learning policy's change. */
export const LearningPolicyAuditActions = { changed: 'line.learning-policy.changed' } as const;

/**
 * A line's learning policy as the console shows and takes it. A null setting follows
 * continual-fine-tune's default (its configuration, which the console does not know); see
 * docs/ml/continual-loop.md for how the settings merge.
 */
export interface LearningPolicySettingsView {
  readonly triggers: {
    readonly newLabels: { readonly enabled: boolean | null; readonly minFrames: number | null };
    readonly unknownClass: { readonly enabled: boolean | null };
    readonly rejectRate: { readonly enabled: boolean | null; readonly window: number | null; readonly maxRate: number | null };
    readonly scoreShift: { readonly enabled: boolean | null; readonly maxDistance: number | null; readonly minFrames: number | null };
    readonly schedule: { readonly enabled: boolean | null; readonly everyHours: number | null };
  };
  readonly autoPromotion: { readonly enabled: boolean; readonly minFrames: number | null; readonly minAgreement: number | null };
}

export interface LearningPolicyView extends LearningPolicySettingsView {
  readonly lineId: string;
  /** Who last wrote the line's policy; null: never written (the line follows every default). */
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
}

/**
 * Reads and replaces a line's learning policy (the trigger settings continual-fine-tune evaluates
 * the line with, and auto-promotion). A change and its audit entry commit in one transaction.
 */
export class LearningPolicyUseCase {
  constructor(
    private readonly db: Database,
    private readonly lines: Pick<LineRepository, 'findLine'>,
    private readonly repositories: {
      readonly policies: (db: Database) => { findForLine(lineId: string): Promise<LineLearningPolicy | null>; replace: PolicyReplace };
      readonly audit: (db: Database) => Pick<AuditLogRepository, 'append'>;
    },
  ) {}

  async get(lineId: string): Promise<LearningPolicyView> {
    if (!(await this.lines.findLine(lineId))) throw new DomainError(CommonErrorCodes.notFound, `line "${lineId}" does not exist`);
    const policy = await this.repositories.policies(this.db).findForLine(lineId);
    return toView(lineId, policy);
  }

  /** Replaces the line's policy (a setting left out: the service default) and audits the change. */
  async replace(lineId: string, settings: LearningPolicySettingsView, by: string): Promise<LearningPolicyView> {
    return this.db.transaction(async (tx) => {
      const { before, after } = await this.repositories.policies(tx).replace({ lineId, updatedBy: by, ...fromView(settings) });
      await this.repositories.audit(tx).append({
        actor: by,
        action: LearningPolicyAuditActions.changed,
        subjectType: 'production_line',
        subjectId: lineId,
        before: before ? { ...settingsOf(toView(lineId, before)) } : null,
        after: { ...settingsOf(toView(lineId, after)) },
      });
      return toView(lineId, after);
    });
  }
}

type PolicyReplace = (
  policy: LineLearningPolicySettings & { readonly lineId: string; readonly updatedBy: string },
) => Promise<{ before: LineLearningPolicy | null; after: LineLearningPolicy }>;

function settingsOf(view: LearningPolicyView): LearningPolicySettingsView {
  return { triggers: view.triggers, autoPromotion: view.autoPromotion };
}

export function toView(lineId: string, policy: LineLearningPolicy | null): LearningPolicyView {
  const p = policy ?? { ...NO_LINE_LEARNING_SETTINGS, updatedBy: null, updatedAt: null };
  return {
    lineId,
    triggers: {
      newLabels: { enabled: p.newLabelsEnabled, minFrames: p.minNewLabels },
      unknownClass: { enabled: p.unknownClassEnabled },
      rejectRate: { enabled: p.rejectRateEnabled, window: p.rejectRateWindow, maxRate: p.rejectRateMax },
      scoreShift: { enabled: p.scoreShiftEnabled, maxDistance: p.scoreShiftMaxDistance, minFrames: p.scoreShiftMinFrames },
      schedule: { enabled: p.scheduleEnabled, everyHours: p.scheduleHours },
    },
    autoPromotion: { enabled: p.autoPromoteEnabled, minFrames: p.autoPromoteMinFrames, minAgreement: p.autoPromoteMinAgreement },
    updatedBy: p.updatedBy,
    updatedAt: p.updatedAt ? p.updatedAt.toISOString() : null,
  };
}

export function fromView(view: LearningPolicySettingsView): LineLearningPolicySettings {
  const { newLabels, unknownClass, rejectRate, scoreShift, schedule } = view.triggers;
  return {
    newLabelsEnabled: newLabels.enabled,
    minNewLabels: newLabels.minFrames,
    unknownClassEnabled: unknownClass.enabled,
    rejectRateEnabled: rejectRate.enabled,
    rejectRateWindow: rejectRate.window,
    rejectRateMax: rejectRate.maxRate,
    scoreShiftEnabled: scoreShift.enabled,
    scoreShiftMaxDistance: scoreShift.maxDistance,
    scoreShiftMinFrames: scoreShift.minFrames,
    scheduleEnabled: schedule.enabled,
    scheduleHours: schedule.everyHours,
    autoPromoteEnabled: view.autoPromotion.enabled,
    autoPromoteMinFrames: view.autoPromotion.minFrames,
    autoPromoteMinAgreement: view.autoPromotion.minAgreement,
  };
}
