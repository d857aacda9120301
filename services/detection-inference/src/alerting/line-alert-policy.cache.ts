import type { LineAlertPolicy } from '@argus/persistence';

/** Where a line's alert policy is read (LineRepository in the service). */
export interface LineAlertPolicySource {
  alertPolicyFor(lineId: string): Promise<LineAlertPolicy | null>;
}

/** An edit of a line's rules reaches its frames within this (ARGUS_INFER_LINE_POLICY_TTL_MS). */
export const DEFAULT_LINE_POLICY_TTL_MS = 2_000;

export interface LineAlertPolicyCacheOptions {
  /**
   * How long a line's rules and settings read from Postgres are used (0: read for every frame).
   * An edit in the console reaches the frames within this time.
   */
  readonly ttlMs: number;
  readonly now?: () => number;
}

interface CachedPolicy {
  readonly policy: Promise<LineAlertPolicy | null>;
  readonly readAt: number;
}

/**
 * A line's alert rules and settings, kept for a short time: every frame needs them, they change
 * only when someone edits the line, and reading them per frame was one Postgres round trip in
 * every frame's path. Concurrent frames of a line share one read; a failed read is not kept.
 */
export class LineAlertPolicyCache implements LineAlertPolicySource {
  private readonly cached = new Map<string, CachedPolicy>();
  private readonly now: () => number;

  constructor(
    private readonly source: LineAlertPolicySource,
    private readonly options: LineAlertPolicyCacheOptions,
  ) {
    if (!(options.ttlMs >= 0)) throw new RangeError(`ttlMs must be >= 0, got ${options.ttlMs}`);
    this.now = options.now ?? Date.now;
  }

  alertPolicyFor(lineId: string): Promise<LineAlertPolicy | null> {
    if (this.options.ttlMs === 0) return this.source.alertPolicyFor(lineId);
    const now = this.now();
    const hit = this.cached.get(lineId);
    if (hit && now - hit.readAt < this.options.ttlMs) return hit.policy;
    const policy = this.source.alertPolicyFor(lineId);
    this.cached.set(lineId, { policy, readAt: now });
    policy.catch(() => {
      if (this.cached.get(lineId)?.policy === policy) this.cached.delete(lineId);
    });
    return policy;
  }
}
