/**
 * The gates a candidate must pass before it can shadow or be promoted without an admin override
 * (the promotion rules read the outcome as the version's `gatesPassed` metric, see gateMetrics). A
 * fine-tuned candidate (continual-fine-tune) must not forget (no class the production model knows
 * drops by more than `maxClassDropPoints` AP points on the line's frozen holdout or on the parent's
 * validation set), it must learn (AP on the new data's held-out frames up by at least
 * `minNewDataGainPoints`), and it must not slow the line (latency, measured the way
 * detection-inference serves, at most `maxLatencyRatio` × production). A candidate that brings no
 * new data (architecture-search's fully trained search point) is judged by the retention and
 * latency gates only: evaluateRetentionAndLatencyGates.
 */
export interface GatePolicy {
  readonly maxClassDropPoints: number;
  /**
   * A class's retention is judged on an evaluation set only where it has at least this many
   * labelled boxes: on three frames one box moves a class's AP by several points, so a drop there
   * says nothing about forgetting (the parent's validation set, larger, still judges it).
   */
  readonly minClassInstances: number;
  readonly minNewDataGainPoints: number;
  readonly maxLatencyRatio: number;
}

export const DEFAULT_GATE_POLICY: GatePolicy = {
  maxClassDropPoints: 1,
  minClassInstances: 10,
  minNewDataGainPoints: 1,
  maxLatencyRatio: 1.1,
};

/** AP per class on one evaluation set (only classes with ground truth there). */
export type ClassAps = Readonly<Record<string, number>>;

export interface EvaluationPair {
  /** What the set is, for the report: `line holdout (pcb-1@4)`, `parent validation`. */
  readonly name: string;
  readonly production: ClassAps;
  readonly candidate: ClassAps;
  /** Labelled boxes of each class in the set. */
  readonly instances: Readonly<Record<string, number>>;
}

export interface GateInput {
  /** Classes the production model detects: only these can be forgotten. */
  readonly productionClasses: readonly string[];
  readonly retention: readonly EvaluationPair[];
  /** AP over all classes on the line's held-out frames; `frames` counts those with a labelled defect. */
  readonly newData: { readonly frames: number; readonly productionAp: number; readonly candidateAp: number };
  /**
   * Ms per frame of each, served the same way, timed in one process; `ratio`, when given, is the
   * candidate ÷ production the gate judges (e.g. the median of paired rounds, steadier under load
   * than the ratio of the two figures). Null when there was no frame to time the models on: the
   * latency gate then fails, saying so.
   */
  readonly latencyMs: { readonly production: number; readonly candidate: number; readonly ratio?: number } | null;
}

/** Where the gate report is stored: beside the candidate's package (`<artifactKey>/gate-report.json`), read by the console. */
export const GATE_REPORT_FILE = 'gate-report.json';

export type GateCheckKind = 'class-retention' | 'new-data-gain' | 'latency' | 'first-model-ap' | 'onnx-check';

export interface GateCheck {
  readonly kind: GateCheckKind;
  readonly passed: boolean;
  /** One line an ML engineer reads: what was measured against what limit. */
  readonly detail: string;
  readonly measured: number;
  readonly limit: number;
}

export interface GateReport {
  readonly passed: boolean;
  /** The limits judged (without `minNewDataGainPoints` when the new-data check did not apply). */
  readonly policy: GatePolicy | RetentionAndLatencyPolicy | FirstModelGatePolicy;
  readonly checks: readonly GateCheck[];
  /** The failed checks' details: why the candidate cannot be promoted without an admin override. */
  readonly reasons: readonly string[];
}

export function evaluateGates(input: GateInput, policy: GatePolicy = DEFAULT_GATE_POLICY): GateReport {
  const checks: GateCheck[] = retentionChecks(input, policy);
  const { newData } = input;
  const gain = points(newData.candidateAp - newData.productionAp);
  checks.push(
    newData.frames === 0
      ? {
          kind: 'new-data-gain',
          passed: false,
          detail: 'no held-out frame with a labelled defect: the gain cannot be measured (label more frames, or raise the holdout share)',
          measured: Number.NaN,
          limit: policy.minNewDataGainPoints,
        }
      : {
          kind: 'new-data-gain',
          passed: gain >= policy.minNewDataGainPoints,
          detail: `new data (${newData.frames} held-out frames): AP ${newData.productionAp.toFixed(4)} → ${newData.candidateAp.toFixed(4)} (${gain >= 0 ? '+' : '−'}${Math.abs(gain).toFixed(2)} pts; at least +${policy.minNewDataGainPoints} needed)`,
          measured: gain,
          limit: policy.minNewDataGainPoints,
        },
  );
  checks.push(latencyCheck(input.latencyMs, policy));
  return reportOf(checks, policy);
}

/** The limits of a candidate that brings no new data: the new-data check does not apply to it. */
export type RetentionAndLatencyPolicy = Omit<GatePolicy, 'minNewDataGainPoints'>;

export interface RetentionAndLatencyInput extends Omit<GateInput, 'newData'> {
  /** Classes the candidate detects: a production class it does not detect at all is forgotten, whatever the sets hold. */
  readonly candidateClasses: readonly string[];
}

/**
 * The gates of a candidate that brings no new data — architecture-search's fully trained search
 * point, trained from scratch on the search's data: there is no "new data" on which it should beat
 * production, so only retention (per class, as evaluateGates judges it, plus a failed check for each
 * production class the candidate does not detect at all) and latency are judged.
 */
export function evaluateRetentionAndLatencyGates(
  input: RetentionAndLatencyInput,
  policy: RetentionAndLatencyPolicy = withoutNewData(DEFAULT_GATE_POLICY),
): GateReport {
  const missing = input.productionClasses.filter((c) => !input.candidateClasses.includes(c));
  const checks: GateCheck[] = [
    ...missing.map((className): GateCheck => ({
      kind: 'class-retention',
      passed: false,
      detail: `${className}: production detects it, the candidate does not (not among its classes)`,
      measured: Number.NaN,
      limit: policy.maxClassDropPoints,
    })),
    ...retentionChecks(input, policy),
    latencyCheck(input.latencyMs, policy),
  ];
  return reportOf(checks, policy);
}

/**
 * The gates of a candidate for a line with no production model: there is nothing to compare it
 * with, so neither retention nor latency can be shown, and both fail saying so. Promoting it makes
 * it the line's first model — an admin's decision, taken with an override and its reason, rather
 * than a pass nobody measured.
 */
export function gatesWithoutProductionModel(lineId: string, policy: RetentionAndLatencyPolicy): GateReport {
  const why = `line ${lineId} has no production model`;
  return reportOf(
    [
      {
        kind: 'class-retention',
        passed: false,
        detail: `${why}: no class AP to compare the candidate's with (promoting it makes it the line's first model: an admin's override)`,
        measured: Number.NaN,
        limit: policy.maxClassDropPoints,
      },
      {
        kind: 'latency',
        passed: false,
        detail: `${why}: no latency to compare the candidate's with`,
        measured: Number.NaN,
        limit: policy.maxLatencyRatio,
      },
    ],
    policy,
  );
}

/** The limits of a line's first model (an adaptation for a new line: the console's new-line wizard). */
export interface FirstModelGatePolicy {
  /** mAP@0.5 the candidate must reach, scored as served, on the line's evaluation frames (its labelled frames that did not train it). */
  readonly minAp: number;
  /** At least this many evaluation frames with a labelled box: on fewer, an AP says nothing. */
  readonly minEvaluationFrames: number;
  /** Largest |ONNX Runtime − TF.js| of the head outputs the export's numerical check may show. */
  readonly maxOnnxAbsDiff: number;
}

export const DEFAULT_FIRST_MODEL_GATE_POLICY: FirstModelGatePolicy = { minAp: 0.5, minEvaluationFrames: 1, maxOnnxAbsDiff: 1e-3 };

export interface FirstModelGateInput {
  /** Evaluation frames with at least one labelled box. */
  readonly evaluationFrames: number;
  /** mAP@0.5 on them, scored by ONNX Runtime as detection-inference serves. */
  readonly candidateAp: number;
  /** The export's numerical check (null: the package has no ONNX model, which cannot be served). */
  readonly onnxMaxAbsDiff: number | null;
}

/**
 * The gates of a line's first model. The fine-tune gates compare with a production model the line
 * does not have (retention, gain, latency: gatesWithoutProductionModel fails them all), so a new
 * line's adapted candidate is judged on what can be shown without one: it must be good enough on
 * the line's own labelled frames that did not train it (a minimum AP, scored as served), and its
 * ONNX export must agree with the trained model (what inference will run is what was evaluated).
 */
export function evaluateFirstModelGates(
  input: FirstModelGateInput,
  policy: FirstModelGatePolicy = DEFAULT_FIRST_MODEL_GATE_POLICY,
): GateReport {
  const enoughFrames = input.evaluationFrames >= policy.minEvaluationFrames;
  const apCheck: GateCheck = enoughFrames
    ? {
        kind: 'first-model-ap',
        passed: input.candidateAp >= policy.minAp,
        detail: `evaluation frames (${input.evaluationFrames} with a labelled box): mAP@0.5 ${input.candidateAp.toFixed(4)} (at least ${policy.minAp} needed)`,
        measured: input.candidateAp,
        limit: policy.minAp,
      }
    : {
        kind: 'first-model-ap',
        passed: false,
        detail: `${input.evaluationFrames} evaluation frame(s) with a labelled box, ${policy.minEvaluationFrames} needed: label more frames that are not shots`,
        measured: Number.NaN,
        limit: policy.minAp,
      };
  const onnxCheck: GateCheck =
    input.onnxMaxAbsDiff === null
      ? {
          kind: 'onnx-check',
          passed: false,
          detail: 'no ONNX export: the model cannot be served',
          measured: Number.NaN,
          limit: policy.maxOnnxAbsDiff,
        }
      : {
          kind: 'onnx-check',
          passed: input.onnxMaxAbsDiff <= policy.maxOnnxAbsDiff,
          detail: `ONNX export vs TF.js: max |difference| ${input.onnxMaxAbsDiff.toExponential(2)} (at most ${policy.maxOnnxAbsDiff})`,
          measured: input.onnxMaxAbsDiff,
          limit: policy.maxOnnxAbsDiff,
        };
  return reportOf([apCheck, onnxCheck], policy);
}

/** The gates' measurements as version metrics: passed (1/0), the worst class drop, the new data's gain, the latency ratio. */
export function gateMetrics(gates: GateReport): Record<string, number> {
  const measured = (kind: GateCheckKind) =>
    gates.checks.filter((c) => c.kind === kind && Number.isFinite(c.measured)).map((c) => c.measured);
  const drops = measured('class-retention');
  const gain = measured('new-data-gain');
  const latency = measured('latency');
  const firstModelAp = measured('first-model-ap');
  return {
    gatesPassed: gates.passed ? 1 : 0,
    ...(drops.length > 0 ? { gateWorstClassDropPoints: Math.max(...drops) } : {}),
    ...(gain.length > 0 ? { gateNewDataGainPoints: gain[0]! } : {}),
    ...(latency.length > 0 ? { gateLatencyRatio: latency[0]! } : {}),
    ...(firstModelAp.length > 0 ? { gateFirstModelAp: firstModelAp[0]! } : {}),
  };
}

function withoutNewData(policy: GatePolicy): RetentionAndLatencyPolicy {
  const { minNewDataGainPoints: _unused, ...rest } = policy;
  return rest;
}

function reportOf(checks: GateCheck[], policy: GateReport['policy']): GateReport {
  const reasons = checks.filter((c) => !c.passed).map((c) => c.detail);
  return { passed: reasons.length === 0, policy, checks, reasons };
}

function retentionChecks(input: Pick<GateInput, 'productionClasses' | 'retention'>, policy: RetentionAndLatencyPolicy): GateCheck[] {
  const checks: GateCheck[] = [];
  for (const pair of input.retention) {
    for (const className of input.productionClasses) {
      const before = pair.production[className];
      if (before === undefined) continue; // no ground truth of the class in this set
      const after = pair.candidate[className] ?? 0;
      const drop = points(before - after);
      const boxes = pair.instances[className] ?? 0;
      const judged = boxes >= policy.minClassInstances;
      const figures = `${className} on ${pair.name}: AP ${before.toFixed(4)} → ${after.toFixed(4)} (${drop > 0 ? '−' : '+'}${Math.abs(drop).toFixed(2)} pts`;
      checks.push({
        kind: 'class-retention',
        passed: !judged || drop <= policy.maxClassDropPoints,
        detail: judged
          ? `${figures}; at most −${policy.maxClassDropPoints} allowed)`
          : `${figures}; not judged: ${boxes} labelled boxes, fewer than ${policy.minClassInstances})`,
        measured: drop,
        limit: policy.maxClassDropPoints,
      });
    }
  }
  return checks;
}

function latencyCheck(latencyMs: GateInput['latencyMs'], policy: RetentionAndLatencyPolicy): GateCheck {
  if (latencyMs === null) {
    return {
      kind: 'latency',
      passed: false,
      detail: 'latency could not be measured: no frame to time the models on (label more frames)',
      measured: Number.NaN,
      limit: policy.maxLatencyRatio,
    };
  }
  const { production, candidate } = latencyMs;
  if (!(production > 0) || !(candidate > 0)) throw new RangeError(`latencies must be positive, got ${production} and ${candidate} ms`);
  const ratio = latencyMs.ratio ?? candidate / production;
  if (!(ratio > 0)) throw new RangeError(`the latency ratio must be positive, got ${ratio}`);
  return {
    kind: 'latency',
    passed: ratio <= policy.maxLatencyRatio,
    detail: `latency ${candidate.toFixed(2)} ms vs production ${production.toFixed(2)} ms per frame (×${ratio.toFixed(3)}; at most ×${policy.maxLatencyRatio})`,
    measured: ratio,
    limit: policy.maxLatencyRatio,
  };
}

const points = (v: number) => Math.round(v * 100 * 100) / 100;

/** The per-class AP@0.5 of an evaluation report, as the gates compare them (classes without ground truth left out). */
export function classApsOf(perClass: readonly { readonly className: string; readonly ap50: number | null }[]): ClassAps {
  return Object.fromEntries(perClass.filter((c) => c.ap50 !== null).map((c) => [c.className, c.ap50 as number]));
}
