import type { Detection } from '@argus/contracts';
import type { AlertRule } from '@argus/persistence';
import { boxArea, highestSeverity, qualifyingDetections, ruleFor } from './alert-rule.evaluator';

const det = (className: string, score: number, x1: number, y1: number, x2: number, y2: number): Detection => ({
  className,
  score,
  box: { x1, y1, x2, y2 },
});

const rules: AlertRule[] = [
  { className: 'scratch', minScore: 0.5, minBoxAreaPx2: 100, severity: 'high' },
  { className: 'stain', minScore: 0.8, minBoxAreaPx2: 0, severity: 'low' },
  { className: '*', minScore: 0.9, minBoxAreaPx2: 400, severity: 'medium' },
];

describe('alert rules', () => {
  it('uses the class rule, else the catch-all, else none', () => {
    expect(ruleFor(rules, 'scratch')?.severity).toBe('high');
    expect(ruleFor(rules, 'hole')?.className).toBe('*');
    expect(ruleFor(rules.slice(0, 2), 'hole')).toBeUndefined();
  });

  it('requires score >= minScore and box area >= minBoxAreaPx2, both inclusive', () => {
    const atScore = det('scratch', 0.5, 0, 0, 10, 10); // exactly 0.5 and exactly 100 px²
    const belowScore = det('scratch', 0.4999, 0, 0, 20, 20);
    const belowArea = det('scratch', 0.99, 0, 0, 10, 9.9);
    const stain = det('stain', 0.8, 5, 5, 6, 6);
    const holeSmall = det('hole', 0.95, 0, 0, 19, 20);
    const holeBig = det('hole', 0.95, 0, 0, 20, 20);
    const result = qualifyingDetections(rules, [atScore, belowScore, belowArea, stain, holeSmall, holeBig]);
    expect(result).toEqual([
      { detection: atScore, severity: 'high' },
      { detection: stain, severity: 'low' },
      { detection: holeBig, severity: 'medium' },
    ]);
  });

  it('raises nothing on a line without rules', () => {
    expect(qualifyingDetections([], [det('scratch', 1, 0, 0, 50, 50)])).toEqual([]);
  });

  it('gives the alert the highest severity among its detections', () => {
    expect(highestSeverity([])).toBeUndefined();
    expect(
      highestSeverity([
        { detection: det('a', 1, 0, 0, 1, 1), severity: 'low' },
        { detection: det('b', 1, 0, 0, 1, 1), severity: 'critical' },
        { detection: det('c', 1, 0, 0, 1, 1), severity: 'high' },
      ]),
    ).toBe('critical');
  });

  it('measures areas in original pixels²', () => {
    expect(boxArea(det('a', 1, 10, 20, 40, 30))).toBe(300);
  });
});
