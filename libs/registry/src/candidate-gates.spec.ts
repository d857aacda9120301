import {
  DEFAULT_GATE_POLICY,
  evaluateFirstModelGates,
  evaluateGates,
  evaluateRetentionAndLatencyGates,
  gateMetrics,
  type GateInput,
  gatesWithoutProductionModel,
  type RetentionAndLatencyInput,
} from './candidate-gates';

/** Enough labelled boxes of every class for its AP to be judged. */
const PLENTY = { open: 50, short: 50, spur: 50 };

const input = (overrides: Partial<GateInput> = {}): GateInput => ({
  productionClasses: ['open', 'short'],
  retention: [
    { name: 'line holdout', production: { open: 0.9, short: 0.8 }, candidate: { open: 0.895, short: 0.81, spur: 0.7 }, instances: PLENTY },
    { name: 'parent validation', production: { open: 0.92, short: 0.85 }, candidate: { open: 0.915, short: 0.85 }, instances: PLENTY },
  ],
  newData: { frames: 12, productionAp: 0.2, candidateAp: 0.6 },
  latencyMs: { production: 10, candidate: 10.5 },
  ...overrides,
});

describe('evaluateGates', () => {
  it('passes a candidate that keeps every old class, learns the new data and is not slower', () => {
    const report = evaluateGates(input());
    expect(report.passed).toBe(true);
    expect(report.reasons).toEqual([]);
    expect(report.checks.map((c) => c.kind)).toEqual([
      'class-retention',
      'class-retention',
      'class-retention',
      'class-retention',
      'new-data-gain',
      'latency',
    ]);
    expect(report.policy).toEqual(DEFAULT_GATE_POLICY);
  });

  it('fails a class down by more than 1 AP point on either set, naming the class and the set', () => {
    const report = evaluateGates(
      input({
        retention: [
          { name: 'line holdout', production: { open: 0.9, short: 0.8 }, candidate: { open: 0.9, short: 0.8 }, instances: PLENTY },
          {
            name: 'parent validation',
            production: { open: 0.92, short: 0.85 },
            candidate: { open: 0.909, short: 0.85 },
            instances: PLENTY,
          },
        ],
      }),
    );
    expect(report.passed).toBe(false);
    expect(report.reasons).toHaveLength(1);
    expect(report.reasons[0]).toMatch(/^open on parent validation: AP 0\.9200 → 0\.9090 \(−1\.10 pts/);
  });

  it('allows exactly the limit, and counts a class the candidate lost entirely as AP 0', () => {
    const atLimit = evaluateGates(
      input({ retention: [{ name: 'h', production: { open: 0.9 }, candidate: { open: 0.89 }, instances: PLENTY }] }),
    );
    expect(atLimit.passed).toBe(true);
    const lost = evaluateGates(input({ retention: [{ name: 'h', production: { open: 0.9 }, candidate: {}, instances: PLENTY }] }));
    expect(lost.reasons[0]).toContain('open on h');
  });

  it('does not judge a class with fewer labelled boxes in a set than the policy asks, but reports its figures', () => {
    const few = { open: 3, short: 50 };
    const report = evaluateGates(
      input({
        retention: [
          { name: 'line holdout (3 frames)', production: { open: 0.95, short: 0.8 }, candidate: { open: 0.9, short: 0.8 }, instances: few },
        ],
      }),
    );
    expect(report.passed).toBe(true);
    expect(report.checks.find((c) => c.detail.startsWith('open'))?.detail).toBe(
      'open on line holdout (3 frames): AP 0.9500 → 0.9000 (−5.00 pts; not judged: 3 labelled boxes, fewer than 10)',
    );
    const judged = evaluateGates(
      input({ retention: [{ name: 'h', production: { open: 0.95 }, candidate: { open: 0.9 }, instances: few }] }),
      { ...DEFAULT_GATE_POLICY, minClassInstances: 3 },
    );
    expect(judged.reasons).toEqual(['open on h: AP 0.9500 → 0.9000 (−5.00 pts; at most −1 allowed)']);
  });

  it('ignores classes the production model does not know, and classes without ground truth in a set', () => {
    const report = evaluateGates(
      input({ retention: [{ name: 'h', production: { short: 0.8 }, candidate: { short: 0.8, spur: 0 }, instances: PLENTY }] }),
    );
    expect(report.checks.filter((c) => c.kind === 'class-retention')).toHaveLength(1);
  });

  it('fails when the new data did not gain enough, or has no held-out frame to measure on', () => {
    expect(evaluateGates(input({ newData: { frames: 12, productionAp: 0.5, candidateAp: 0.505 } })).reasons[0]).toMatch(
      /new data .* at least \+1 needed/,
    );
    expect(evaluateGates(input({ newData: { frames: 0, productionAp: 0, candidateAp: 0 } })).reasons[0]).toMatch(/no held-out frame/);
    expect(
      evaluateGates(input({ newData: { frames: 3, productionAp: 0.5, candidateAp: 0.505 } }), {
        ...DEFAULT_GATE_POLICY,
        minNewDataGainPoints: 0,
      }).passed,
    ).toBe(true);
  });

  it('fails the latency gate, saying why, when there was no frame to time the models on', () => {
    const report = evaluateGates(input({ latencyMs: null }));
    expect(report.passed).toBe(false);
    expect(report.reasons).toEqual(['latency could not be measured: no frame to time the models on (label more frames)']);
  });

  it('fails a candidate more than 1.1× slower', () => {
    expect(evaluateGates(input({ latencyMs: { production: 10, candidate: 11 } })).passed).toBe(true);
    const slow = evaluateGates(input({ latencyMs: { production: 10, candidate: 11.2 } }));
    expect(slow.passed).toBe(false);
    expect(slow.reasons[0]).toMatch(/×1\.120; at most ×1\.1/);
    expect(() => evaluateGates(input({ latencyMs: { production: 0, candidate: 1 } }))).toThrow(RangeError);
  });

  it('judges the measured paired ratio when one is given, not the ratio of the two medians', () => {
    const paired = evaluateGates(input({ latencyMs: { production: 10, candidate: 13, ratio: 1.02 } }));
    expect(paired.passed).toBe(true);
    expect(paired.checks.find((c) => c.kind === 'latency')?.measured).toBe(1.02);
    expect(evaluateGates(input({ latencyMs: { production: 10, candidate: 10, ratio: 1.3 } })).passed).toBe(false);
  });
});

describe('evaluateRetentionAndLatencyGates (a candidate without new data: a search point trained fully)', () => {
  const policy = { maxClassDropPoints: 1, minClassInstances: 10, maxLatencyRatio: 1.1 };
  const searchInput = (overrides: Partial<RetentionAndLatencyInput> = {}): RetentionAndLatencyInput => ({
    productionClasses: ['open', 'short'],
    candidateClasses: ['open', 'short'],
    retention: [
      {
        name: 'validation (40 frames of synthetic:pcb)',
        production: { open: 0.9, short: 0.8 },
        candidate: { open: 0.95, short: 0.795 },
        instances: PLENTY,
      },
    ],
    latencyMs: { production: 10, candidate: 7, ratio: 0.7 },
    ...overrides,
  });

  it('judges retention and latency only: no new-data check, and no new-data limit in the recorded policy', () => {
    const report = evaluateRetentionAndLatencyGates(searchInput(), policy);
    expect(report).toMatchObject({ passed: true, reasons: [], policy });
    expect(report.checks.map((c) => c.kind)).toEqual(['class-retention', 'class-retention', 'latency']);
    expect(report.policy).not.toHaveProperty('minNewDataGainPoints');
    expect(evaluateRetentionAndLatencyGates(searchInput()).policy).toEqual({
      maxClassDropPoints: 1,
      minClassInstances: 10,
      maxLatencyRatio: 1.1,
    });
  });

  it('fails a class that drops more than the limit, and a slower candidate, with the same wording as every gate', () => {
    const report = evaluateRetentionAndLatencyGates(
      searchInput({
        retention: [{ name: 'v', production: { open: 0.9, short: 0.8 }, candidate: { open: 0.88, short: 0.8 }, instances: PLENTY }],
        latencyMs: { production: 10, candidate: 12, ratio: 1.2 },
      }),
      policy,
    );
    expect(report.passed).toBe(false);
    expect(report.reasons).toEqual([
      'open on v: AP 0.9000 → 0.8800 (−2.00 pts; at most −1 allowed)',
      'latency 12.00 ms vs production 10.00 ms per frame (×1.200; at most ×1.1)',
    ]);
  });

  it('fails a production class the candidate does not detect at all, even where no set has its ground truth', () => {
    const report = evaluateRetentionAndLatencyGates(searchInput({ candidateClasses: ['open'] }), policy);
    expect(report.reasons[0]).toBe('short: production detects it, the candidate does not (not among its classes)');
  });
});

describe('gatesWithoutProductionModel', () => {
  it('fails retention and latency, saying the line has no production model (promotion then needs an admin override)', () => {
    const report = gatesWithoutProductionModel('pcb-9', { maxClassDropPoints: 1, minClassInstances: 10, maxLatencyRatio: 1.1 });
    expect(report.passed).toBe(false);
    expect(report.checks.map((c) => [c.kind, c.passed])).toEqual([
      ['class-retention', false],
      ['latency', false],
    ]);
    expect(report.reasons.every((r) => r.startsWith('line pcb-9 has no production model'))).toBe(true);
    expect(gateMetrics(report)).toEqual({ gatesPassed: 0 });
  });
});

describe('gateMetrics', () => {
  it('records passed as 1/0 with the worst class drop, the gain and the latency ratio that were measured', () => {
    expect(gateMetrics(evaluateGates(input()))).toEqual({
      gatesPassed: 1,
      gateWorstClassDropPoints: 0.5,
      gateNewDataGainPoints: 40,
      gateLatencyRatio: 1.05,
    });
    expect(gateMetrics(evaluateGates(input({ latencyMs: null })))).toEqual({
      gatesPassed: 0,
      gateWorstClassDropPoints: 0.5,
      gateNewDataGainPoints: 40,
    });
  });
});

describe('evaluateFirstModelGates (a new line’s adapted candidate: no production model to compare with)', () => {
  const policy = { minAp: 0.5, minEvaluationFrames: 2, maxOnnxAbsDiff: 1e-3 };

  it('passes a candidate good enough on the evaluation frames whose ONNX export agrees, and records its AP among the metrics', () => {
    const report = evaluateFirstModelGates({ evaluationFrames: 4, candidateAp: 0.62, onnxMaxAbsDiff: 2e-5 }, policy);
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => [c.kind, c.passed])).toEqual([
      ['first-model-ap', true],
      ['onnx-check', true],
    ]);
    expect(gateMetrics(report)).toEqual({ gatesPassed: 1, gateFirstModelAp: 0.62 });
  });

  it('fails a candidate under the AP, on too few evaluation frames, or without an agreeing ONNX export, saying why', () => {
    expect(evaluateFirstModelGates({ evaluationFrames: 4, candidateAp: 0.49, onnxMaxAbsDiff: 0 }, policy).reasons).toEqual([
      'evaluation frames (4 with a labelled box): mAP@0.5 0.4900 (at least 0.5 needed)',
    ]);
    expect(evaluateFirstModelGates({ evaluationFrames: 1, candidateAp: 0.9, onnxMaxAbsDiff: 0 }, policy).reasons[0]).toMatch(
      /1 evaluation frame\(s\) with a labelled box, 2 needed/,
    );
    expect(evaluateFirstModelGates({ evaluationFrames: 4, candidateAp: 0.9, onnxMaxAbsDiff: 0.01 }, policy).reasons[0]).toMatch(
      /ONNX export vs TF.js/,
    );
    expect(evaluateFirstModelGates({ evaluationFrames: 4, candidateAp: 0.9, onnxMaxAbsDiff: null }, policy).passed).toBe(false);
  });
});
