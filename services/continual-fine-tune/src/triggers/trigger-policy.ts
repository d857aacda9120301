import type { ReviewDecision } from '@argus/contracts';

/**
 * When a line's detector should be fine-tuned again. Each rule may be off (null). A line's
 * settings override the service defaults; `manual` always works (console, API, CLI).
 */
export interface TriggerPolicy {
  /** Fire once this many frames were labelled since the line's last job. */
  readonly minNewLabelledFrames: number | null;
  /**
   * Fire when operators labelled a class the production model does not know, in at least
   * `minFrames` frames since the last job: enough of it to learn from and to hold some out (one
   * frame would start a job that its gates can only refuse).
   */
  readonly unknownClass: { readonly minFrames: number } | null;
  /** Fire when operators reject more than `maxRejectRate` of the last `window` reviewed alerts. */
  readonly rejectRate: { readonly window: number; readonly maxRejectRate: number } | null;
  /**
   * Fire when the best score per frame has shifted: the two-sample Kolmogorov–Smirnov distance
   * between the scores of the frames since the last job and those before it exceeds `maxDistance`
   * (each side needs `minFrames`).
   */
  readonly scoreShift: { readonly maxDistance: number; readonly minFrames: number } | null;
  /**
   * Fire when the last job (or, before the first, the production model's promotion) is older than
   * this, if anything was labelled since.
   */
  readonly everyMs: number | null;
}

/** The drift rules' built-in figures: the service defaults, and what a line that turns a rule on falls back to. */
export const DEFAULT_REJECT_RATE = { window: 50, maxRejectRate: 0.3 } as const;
export const DEFAULT_SCORE_SHIFT = { maxDistance: 0.25, minFrames: 200 } as const;

export const DEFAULT_TRIGGER_POLICY: TriggerPolicy = {
  minNewLabelledFrames: 50,
  unknownClass: { minFrames: 10 },
  rejectRate: DEFAULT_REJECT_RATE,
  scoreShift: DEFAULT_SCORE_SHIFT,
  everyMs: 7 * 24 * 3600 * 1000,
};

/** What the service knows about a line when it evaluates the policy (after each labelled frame, and on a timer). */
export interface LineLearningState {
  readonly now: Date;
  readonly lastJobAt: Date | null;
  /**
   * When the line's production model went into production. Before a line's first job the schedule
   * counts from here: a line's first review must not start a job on one frame.
   */
  readonly productionSince: Date;
  /** A job of the line is queued or running: nothing fires until it ends. */
  readonly jobActive: boolean;
  readonly newLabelledFrames: number;
  /** Classes in the ground truth labelled since the last job, and how many of those frames show each. */
  readonly newLabelledClassFrames: Readonly<Record<string, number>>;
  /** Classes the line's production model detects. */
  readonly productionClasses: readonly string[];
  /** Decisions on the line's most recent reviewed alerts, oldest first. */
  readonly recentDecisions: readonly ReviewDecision[];
  /** Best score per frame before the last job (the reference) and since it. */
  readonly scores: { readonly reference: readonly number[]; readonly recent: readonly number[] } | null;
}

export type TriggerKind = 'new-labels' | 'unknown-class' | 'reject-rate' | 'score-shift' | 'schedule' | 'manual';

/** A rule that fired, and why, in words an ML engineer reads on the jobs page. */
export interface FiredTrigger {
  readonly kind: TriggerKind;
  readonly reason: string;
}

/** The rules that fire now (empty: no job). Manual triggers do not go through here. */
export function evaluateTriggers(policy: TriggerPolicy, state: LineLearningState): FiredTrigger[] {
  if (state.jobActive) return [];
  const fired: FiredTrigger[] = [];
  if (policy.minNewLabelledFrames !== null && state.newLabelledFrames >= policy.minNewLabelledFrames) {
    fired.push({
      kind: 'new-labels',
      reason: `${state.newLabelledFrames} frames labelled since the last job (policy: ${policy.minNewLabelledFrames})`,
    });
  }
  if (policy.unknownClass !== null) {
    const known = new Set(state.productionClasses);
    const minFrames = policy.unknownClass.minFrames;
    const frames = (c: string) => state.newLabelledClassFrames[c] ?? 0;
    const unknown = Object.keys(state.newLabelledClassFrames)
      .filter((c) => !known.has(c) && frames(c) >= minFrames)
      .sort();
    if (unknown.length > 0) {
      fired.push({
        kind: 'unknown-class',
        reason: `operators labelled ${unknown.map((c) => `${c} (${frames(c)} frames)`).join(', ')}, which the production model does not detect (policy: ${minFrames} frames)`,
      });
    }
  }
  if (policy.rejectRate !== null && state.recentDecisions.length >= policy.rejectRate.window) {
    const window = state.recentDecisions.slice(-policy.rejectRate.window);
    const rejected = window.filter((d) => d === 'rejected').length;
    const rate = rejected / window.length;
    if (rate > policy.rejectRate.maxRejectRate) {
      fired.push({
        kind: 'reject-rate',
        reason: `${rejected} of the last ${window.length} reviewed alerts were rejected as false positives (${pct(rate)} > ${pct(policy.rejectRate.maxRejectRate)})`,
      });
    }
  }
  if (policy.scoreShift !== null && state.scores) {
    const { reference, recent } = state.scores;
    if (reference.length >= policy.scoreShift.minFrames && recent.length >= policy.scoreShift.minFrames) {
      const distance = ksDistance(reference, recent);
      if (distance > policy.scoreShift.maxDistance) {
        fired.push({
          kind: 'score-shift',
          reason: `the best-score distribution moved: KS distance ${distance.toFixed(3)} > ${policy.scoreShift.maxDistance} (${reference.length} frames before the last job, ${recent.length} since)`,
        });
      }
    }
  }
  if (policy.everyMs !== null && state.newLabelledFrames > 0) {
    const since = state.now.getTime() - (state.lastJobAt ?? state.productionSince).getTime();
    if (since >= policy.everyMs) {
      fired.push({
        kind: 'schedule',
        reason: state.lastJobAt
          ? `the last job was ${hours(since)} h ago (policy: every ${hours(policy.everyMs)} h) and ${state.newLabelledFrames} frames were labelled since`
          : `the production model has served ${hours(since)} h without a fine-tune (policy: every ${hours(policy.everyMs)} h) and ${state.newLabelledFrames} frames are labelled`,
      });
    }
  }
  return fired;
}

/** The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs. */
export function ksDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) throw new RangeError('the KS distance needs two non-empty samples');
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let distance = 0;
  while (i < x.length && j < y.length) {
    const value = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= value) i++;
    while (j < y.length && y[j]! <= value) j++;
    distance = Math.max(distance, Math.abs(i / x.length - j / y.length));
  }
  return distance;
}

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
const hours = (ms: number) => (ms / 3_600_000).toFixed(1);
