import { buildEvaluationSummary, MAX_CURVE_POINTS, thinCurve } from './evaluation-summary.builder';

const report = (curveLength: number) => ({
  model: { name: 'pcb', version: '1' },
  data: 'deeppcb:../datasets/deeppcb',
  split: 'validation',
  report: {
    imageCount: 200,
    coco: {
      map50: 0.96,
      map75: 0.7,
      map: 0.63,
      perClass: [
        {
          className: 'open',
          groundTruthCount: 10,
          ap50: 0.95,
          ap: 0.53,
          curve50: {
            recall: Array.from({ length: curveLength }, (_, i) => i / (curveLength - 1)),
            precision: Array.from({ length: curveLength }, (_, i) => 1 - i / (curveLength - 1) / 2),
          },
        },
        { className: 'spur', ap50: null, ap: null, curve50: null },
      ],
    },
    atDeploymentThreshold: { precision: 0.9 },
  },
});

describe('buildEvaluationSummary', () => {
  it('keeps overall and per-class AP, drops the rest, and thins a long curve to at most 101 points', () => {
    const summary = buildEvaluationSummary(report(1001), 'models/pcb');
    expect(summary).toMatchObject({ data: 'deeppcb:../datasets/deeppcb', split: 'validation', imageCount: 200, map50: 0.96, map: 0.63 });
    expect(Object.keys(summary).sort()).toEqual(['data', 'imageCount', 'map', 'map50', 'perClass', 'split']);
    const [open, spur] = summary.perClass;
    expect(open?.curve50?.recall).toHaveLength(MAX_CURVE_POINTS);
    expect(open?.curve50?.recall[0]).toBe(0);
    expect(open?.curve50?.recall.at(-1)).toBe(1);
    expect(open?.curve50?.precision.at(-1)).toBe(0.5);
    expect(spur).toEqual({ className: 'spur', ap50: null, ap: null, curve50: null });
  });

  it('keeps the fingerprint of the scored samples when the report has one', () => {
    const summary = buildEvaluationSummary({ ...report(3), fingerprint: 'sha256:abc' }, 'models/pcb');
    expect(summary.fingerprint).toBe('sha256:abc');
  });

  it('keeps a curve of 101 points as it is', () => {
    const curve = report(101).report.coco.perClass[0]?.curve50 as { recall: number[]; precision: number[] };
    expect(buildEvaluationSummary(report(101), 'x').perClass[0]?.curve50).toEqual(curve);
  });

  it('names the file and the bad field when it is no eval report', () => {
    expect(() =>
      buildEvaluationSummary({ data: 'x', split: 'v', report: { imageCount: 1, coco: { map50: 'high' } } }, 'models/pcb'),
    ).toThrow(/^models\/pcb: evaluation.json is not an argus eval report: report\.coco\.map50: /);
  });
});

describe('thinCurve', () => {
  it('picks evenly spaced points including both ends', () => {
    expect(thinCurve({ recall: [0, 1, 2, 3, 4], precision: [9, 8, 7, 6, 5] }, 3)).toEqual({ recall: [0, 2, 4], precision: [9, 7, 5] });
  });
});
