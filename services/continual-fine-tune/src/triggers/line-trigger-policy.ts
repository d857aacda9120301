import type { LineLearningPolicySettings } from '@argus/persistence';
import { DEFAULT_REJECT_RATE, DEFAULT_SCORE_SHIFT, DEFAULT_TRIGGER_POLICY, type TriggerPolicy } from './trigger-policy';

/** A line's own trigger settings (null: follow the service default); what `line_learning_policy` stores. */
export type LineTriggerSettings = Pick<
  LineLearningPolicySettings,
  | 'newLabelsEnabled'
  | 'minNewLabels'
  | 'unknownClassEnabled'
  | 'rejectRateEnabled'
  | 'rejectRateWindow'
  | 'rejectRateMax'
  | 'scoreShiftEnabled'
  | 'scoreShiftMaxDistance'
  | 'scoreShiftMinFrames'
  | 'scheduleEnabled'
  | 'scheduleHours'
>;

/**
 * The policy a line follows: its own settings laid over the service's (`defaults`, from the
 * configuration). Per rule:
 * - `enabled` false turns the rule off, whatever the defaults say;
 * - `enabled` true, or a threshold of the line's own with `enabled` unset, turns it on (a line
 *   that sets "N = 12" wants the rule to fire at 12 even where the deployment turned it off);
 * - otherwise the rule is on exactly when the service default has it on.
 * An on rule takes each threshold from the line, else the service default, else the built-in
 * default (`DEFAULT_TRIGGER_POLICY`: where the deployment turned the rule off it has no figure).
 * Pure: the caller reads the line's row (null: none) and the configuration.
 */
export function mergeLineTriggerPolicy(defaults: TriggerPolicy, line: LineTriggerSettings | null): TriggerPolicy {
  if (!line) return defaults;
  const on = (enabled: boolean | null, ownThresholds: readonly (number | null)[], defaultOn: boolean) =>
    enabled ?? (ownThresholds.some((t) => t !== null) || defaultOn);

  const newLabels = on(line.newLabelsEnabled, [line.minNewLabels], defaults.minNewLabelledFrames !== null);
  const rejectRate = on(line.rejectRateEnabled, [line.rejectRateWindow, line.rejectRateMax], defaults.rejectRate !== null);
  const scoreShift = on(line.scoreShiftEnabled, [line.scoreShiftMaxDistance, line.scoreShiftMinFrames], defaults.scoreShift !== null);
  const schedule = on(line.scheduleEnabled, [line.scheduleHours], defaults.everyMs !== null);

  return {
    minNewLabelledFrames: newLabels
      ? (line.minNewLabels ?? defaults.minNewLabelledFrames ?? DEFAULT_TRIGGER_POLICY.minNewLabelledFrames)
      : null,
    unknownClass:
      (line.unknownClassEnabled ?? defaults.unknownClass !== null) ? (defaults.unknownClass ?? DEFAULT_TRIGGER_POLICY.unknownClass) : null,
    rejectRate: rejectRate
      ? {
          window: line.rejectRateWindow ?? defaults.rejectRate?.window ?? DEFAULT_REJECT_RATE.window,
          maxRejectRate: line.rejectRateMax ?? defaults.rejectRate?.maxRejectRate ?? DEFAULT_REJECT_RATE.maxRejectRate,
        }
      : null,
    scoreShift: scoreShift
      ? {
          maxDistance: line.scoreShiftMaxDistance ?? defaults.scoreShift?.maxDistance ?? DEFAULT_SCORE_SHIFT.maxDistance,
          minFrames: line.scoreShiftMinFrames ?? defaults.scoreShift?.minFrames ?? DEFAULT_SCORE_SHIFT.minFrames,
        }
      : null,
    everyMs: schedule
      ? line.scheduleHours !== null
        ? line.scheduleHours * 3_600_000
        : (defaults.everyMs ?? DEFAULT_TRIGGER_POLICY.everyMs)
      : null,
  };
}
