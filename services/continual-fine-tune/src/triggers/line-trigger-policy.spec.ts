import { NO_LINE_LEARNING_SETTINGS } from '@argus/persistence';
import { type LineTriggerSettings, mergeLineTriggerPolicy } from './line-trigger-policy';
import { DEFAULT_TRIGGER_POLICY, evaluateTriggers, type LineLearningState, type TriggerPolicy } from './trigger-policy';

const line = (overrides: Partial<LineTriggerSettings> = {}): LineTriggerSettings => ({ ...NO_LINE_LEARNING_SETTINGS, ...overrides });
const SERVICE: TriggerPolicy = { ...DEFAULT_TRIGGER_POLICY, minNewLabelledFrames: 30, everyMs: 24 * 3_600_000 };
const ALL_OFF: TriggerPolicy = { minNewLabelledFrames: null, unknownClass: null, rejectRate: null, scoreShift: null, everyMs: null };

describe('mergeLineTriggerPolicy', () => {
  it('is the service policy for a line without a policy of its own, or with every setting unset', () => {
    expect(mergeLineTriggerPolicy(SERVICE, null)).toBe(SERVICE);
    expect(mergeLineTriggerPolicy(SERVICE, line())).toEqual(SERVICE);
    expect(mergeLineTriggerPolicy(ALL_OFF, line())).toEqual(ALL_OFF);
  });

  it("takes the line's thresholds over the service's, one by one", () => {
    expect(
      mergeLineTriggerPolicy(SERVICE, line({ minNewLabels: 12, rejectRateMax: 0.1, scoreShiftMinFrames: 40, scheduleHours: 0.5 })),
    ).toEqual({
      minNewLabelledFrames: 12,
      unknownClass: { minFrames: 10 },
      rejectRate: { window: 50, maxRejectRate: 0.1 },
      scoreShift: { maxDistance: 0.25, minFrames: 40 },
      everyMs: 1_800_000,
    });
  });

  it('turns a rule off for the line when it says so, whatever its thresholds and the defaults', () => {
    expect(
      mergeLineTriggerPolicy(
        SERVICE,
        line({
          newLabelsEnabled: false,
          minNewLabels: 5,
          unknownClassEnabled: false,
          rejectRateEnabled: false,
          scoreShiftEnabled: false,
          scheduleEnabled: false,
        }),
      ),
    ).toEqual(ALL_OFF);
  });

  it("turns on a rule the deployment turned off: with the line's threshold, else the built-in default", () => {
    expect(mergeLineTriggerPolicy(ALL_OFF, line({ minNewLabels: 8, scheduleHours: 2 }))).toMatchObject({
      minNewLabelledFrames: 8,
      everyMs: 7_200_000,
      rejectRate: null,
    });
    expect(
      mergeLineTriggerPolicy(
        ALL_OFF,
        line({ newLabelsEnabled: true, unknownClassEnabled: true, rejectRateEnabled: true, scheduleEnabled: true }),
      ),
    ).toEqual({ ...DEFAULT_TRIGGER_POLICY, scoreShift: null });
  });

  it("changes which rule fires for the line, and the reason quotes the line's threshold", () => {
    const state: LineLearningState = {
      now: new Date('2026-12-07T12:00:00Z'),
      lastJobAt: new Date('2026-12-07T11:00:00Z'),
      productionSince: new Date('2026-11-01T00:00:00Z'),
      jobActive: false,
      newLabelledFrames: 12,
      newLabelledClassFrames: {},
      productionClasses: ['open'],
      recentDecisions: ['rejected', 'confirmed', 'confirmed', 'confirmed'],
      scores: null,
    };
    expect(evaluateTriggers(SERVICE, state)).toEqual([]);
    expect(
      evaluateTriggers(mergeLineTriggerPolicy(SERVICE, line({ minNewLabels: 12, rejectRateWindow: 4, rejectRateMax: 0.2 })), state),
    ).toEqual([
      { kind: 'new-labels', reason: '12 frames labelled since the last job (policy: 12)' },
      { kind: 'reject-rate', reason: '1 of the last 4 reviewed alerts were rejected as false positives (25% > 20%)' },
    ]);
  });
});
