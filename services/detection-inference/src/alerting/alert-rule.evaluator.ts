import type { Detection, Severity } from '@argus/contracts';
import type { AlertRule } from '@argus/persistence';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** A detection that met its class's rule, with the severity that rule gives it. */
export interface QualifyingDetection {
  readonly detection: Detection;
  readonly severity: Severity;
}

/** The class's own rule, else the line's catch-all "*" rule, else none (the class never alerts). */
export function ruleFor(rules: readonly AlertRule[], className: string): AlertRule | undefined {
  return rules.find((r) => r.className === className) ?? rules.find((r) => r.className === '*');
}

export function boxArea(d: Detection): number {
  return Math.max(0, d.box.x2 - d.box.x1) * Math.max(0, d.box.y2 - d.box.y1);
}

/**
 * The detections that meet the line's rules: score ≥ the rule's minimum score and box area (in
 * original pixels²) ≥ its minimum area. Order is kept.
 */
export function qualifyingDetections(rules: readonly AlertRule[], detections: readonly Detection[]): QualifyingDetection[] {
  const out: QualifyingDetection[] = [];
  for (const detection of detections) {
    const rule = ruleFor(rules, detection.className);
    if (!rule) continue;
    if (detection.score >= rule.minScore && boxArea(detection) >= rule.minBoxAreaPx2) {
      out.push({ detection, severity: rule.severity });
    }
  }
  return out;
}

/** The highest severity of the list (the alert's severity); undefined for an empty list. */
export function highestSeverity(items: readonly QualifyingDetection[]): Severity | undefined {
  let best: Severity | undefined;
  for (const { severity } of items) {
    if (best === undefined || SEVERITY_RANK[severity] > SEVERITY_RANK[best]) best = severity;
  }
  return best;
}
