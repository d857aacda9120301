import { DEFAULT_TRIGGER_POLICY, evaluateTriggers, ksDistance, type LineLearningState, type TriggerPolicy } from './trigger-policy';

const OFF: TriggerPolicy = { minNewLabelledFrames: null, unknownClass: null, rejectRate: null, scoreShift: null, everyMs: null };
const NOW = new Date('2026-12-07T12:00:00Z');
const state = (overrides: Partial<LineLearningState> = {}): LineLearningState => ({
  now: NOW,
  lastJobAt: new Date('2026-12-07T11:00:00Z'),
  productionSince: new Date('2026-11-01T00:00:00Z'),
  jobActive: false,
  newLabelledFrames: 0,
  newLabelledClassFrames: {},
  productionClasses: ['open', 'short'],
  recentDecisions: [],
  scores: null,
  ...overrides,
});
const kinds = (policy: TriggerPolicy, s: LineLearningState) => evaluateTriggers(policy, s).map((t) => t.kind);

describe('evaluateTriggers', () => {
  it('fires nothing with every rule off, or while a job of the line is active', () => {
    expect(evaluateTriggers(OFF, state({ newLabelledFrames: 1000 }))).toEqual([]);
    expect(
      evaluateTriggers(DEFAULT_TRIGGER_POLICY, state({ jobActive: true, newLabelledFrames: 1000, newLabelledClassFrames: { spur: 50 } })),
    ).toEqual([]);
  });

  it('fires on N new labelled frames, not before', () => {
    const policy = { ...OFF, minNewLabelledFrames: 20 };
    expect(kinds(policy, state({ newLabelledFrames: 19 }))).toEqual([]);
    const [fired] = evaluateTriggers(policy, state({ newLabelledFrames: 20 }));
    expect(fired).toEqual({ kind: 'new-labels', reason: '20 frames labelled since the last job (policy: 20)' });
  });

  it('fires on a labelled class the production model does not know, naming it, once it is in enough frames to learn from', () => {
    const policy = { ...OFF, unknownClass: { minFrames: 3 } };
    const labelled = (frames: Record<string, number>) => state({ newLabelledClassFrames: frames });
    expect(kinds(policy, labelled({ short: 9, open: 4 }))).toEqual([]);
    // One frame of a new class starts no job: its gates could only refuse a candidate that saw it once.
    expect(kinds(policy, labelled({ short: 9, 'pin-hole': 1 }))).toEqual([]);
    const [fired] = evaluateTriggers(policy, labelled({ short: 9, 'pin-hole': 3, spur: 5, copper: 2 }));
    expect(fired!.kind).toBe('unknown-class');
    expect(fired!.reason).toBe(
      'operators labelled pin-hole (3 frames), spur (5 frames), which the production model does not detect (policy: 3 frames)',
    );
  });

  it('fires when the reject rate over the last K alerts passes X, over a full window only', () => {
    const policy = { ...OFF, rejectRate: { window: 10, maxRejectRate: 0.3 } };
    const decisions = (rejected: number) => [...Array(10 - rejected).fill('confirmed'), ...Array(rejected).fill('rejected')];
    expect(kinds(policy, state({ recentDecisions: decisions(3) }))).toEqual([]);
    expect(kinds(policy, state({ recentDecisions: decisions(4) }))).toEqual(['reject-rate']);
    expect(kinds(policy, state({ recentDecisions: ['rejected', 'rejected'] }))).toEqual([]);
    // Only the last K count: old rejections followed by ten confirmations do not fire.
    expect(kinds(policy, state({ recentDecisions: [...Array(10).fill('rejected'), ...Array(10).fill('confirmed')] }))).toEqual([]);
  });

  it('fires when the best-score distribution shifts, with enough frames on each side', () => {
    const policy = { ...OFF, scoreShift: { maxDistance: 0.25, minFrames: 50 } };
    const ramp = (n: number, from: number, to: number) => Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));
    expect(kinds(policy, state({ scores: { reference: ramp(100, 0, 1), recent: ramp(80, 0.02, 1) } }))).toEqual([]);
    expect(kinds(policy, state({ scores: { reference: ramp(100, 0, 1), recent: ramp(80, 0.4, 1) } }))).toEqual(['score-shift']);
    expect(kinds(policy, state({ scores: { reference: ramp(100, 0, 1), recent: ramp(20, 0.8, 1) } }))).toEqual([]);
  });

  it('fires on schedule only when something was labelled since', () => {
    const policy = { ...OFF, everyMs: 3600_000 };
    expect(kinds(policy, state({ newLabelledFrames: 3, lastJobAt: new Date('2026-12-07T11:30:00Z') }))).toEqual([]);
    expect(kinds(policy, state({ newLabelledFrames: 3 }))).toEqual(['schedule']);
    expect(kinds(policy, state({ newLabelledFrames: 0, lastJobAt: null }))).toEqual([]);
    expect(evaluateTriggers(policy, state({ newLabelledFrames: 3, lastJobAt: null }))[0]!.reason).toContain('without a fine-tune');
  });

  it("counts a never fine-tuned line's schedule from its production model's promotion: its first review starts no job", () => {
    const policy = { ...OFF, everyMs: 7 * 24 * 3600_000 };
    const fresh = { newLabelledFrames: 1, lastJobAt: null };
    expect(kinds(policy, state({ ...fresh, productionSince: new Date('2026-12-07T09:00:00Z') }))).toEqual([]);
    expect(kinds(policy, state({ ...fresh, productionSince: new Date('2026-11-30T11:59:00Z') }))).toEqual(['schedule']);
  });

  it('reports every rule that fired', () => {
    expect(kinds(DEFAULT_TRIGGER_POLICY, state({ newLabelledFrames: 60, newLabelledClassFrames: { spur: 12 }, lastJobAt: null }))).toEqual([
      'new-labels',
      'unknown-class',
      'schedule',
    ]);
  });
});

describe('ksDistance', () => {
  it('is 0 for one sample against itself and 1 for disjoint ones', () => {
    expect(ksDistance([0.1, 0.5, 0.9], [0.9, 0.1, 0.5])).toBe(0);
    expect(ksDistance([0.1, 0.2], [0.8, 0.9, 0.95])).toBe(1);
  });

  it('is the largest gap between the empirical CDFs', () => {
    // CDFs at 0.5: a → 2/4, b → 0/2; at 0.7: a → 3/4, b → 1/2.
    expect(ksDistance([0.1, 0.5, 0.7, 0.9], [0.6, 0.95])).toBeCloseTo(0.5);
    expect(() => ksDistance([], [1])).toThrow(RangeError);
  });
});
