import type { AlertRule } from '@argus/persistence';
import type { LineAlertThresholds } from './audit-item.ports';

/** Where a line's alert rules are read (LineRepository). */
export interface LineAlertRuleSource {
  alertRulesFor(lineId: string): Promise<readonly AlertRule[]>;
}

/**
 * A line's alert threshold (the lowest min-score of its rules), kept for `ttlMs`: every scored
 * frame needs it and it changes only when someone edits the line's rules, as detection-inference
 * keeps its line policies. Concurrent frames of a line share one read; a failed read is not kept.
 */
export class LineAlertThresholdCache implements LineAlertThresholds {
  private readonly cached = new Map<string, { readonly threshold: Promise<number | null>; readonly readAt: number }>();

  constructor(
    private readonly rules: LineAlertRuleSource,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ttlMs >= 0)) throw new RangeError(`ttlMs must be >= 0, got ${ttlMs}`);
  }

  thresholdFor(lineId: string): Promise<number | null> {
    const now = this.now();
    const hit = this.cached.get(lineId);
    if (hit && now - hit.readAt < this.ttlMs) return hit.threshold;
    const threshold = this.rules.alertRulesFor(lineId).then(lowestMinScore);
    this.cached.set(lineId, { threshold, readAt: now });
    threshold.catch(() => {
      if (this.cached.get(lineId)?.threshold === threshold) this.cached.delete(lineId);
    });
    return threshold;
  }
}

function lowestMinScore(rules: readonly AlertRule[]): number | null {
  return rules.length === 0 ? null : Math.min(...rules.map((r) => r.minScore));
}
