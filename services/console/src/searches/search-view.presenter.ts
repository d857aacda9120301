import type { SearchRecord, TrialRecord } from './search-read.port';

/** A trial at the highest rung it completed: one dot of the front plot. */
export interface SearchPointView {
  readonly trialId: string;
  readonly sequence: number;
  readonly rung: number;
  readonly controller: string;
  readonly ap: number;
  readonly latencyMs: number;
  readonly latencySource: string | null;
  readonly reward: number | null;
  readonly params: number | null;
  readonly macs: number | null;
  readonly onFront: boolean;
  readonly spec: SpecSummaryView;
}

/** What the page shows of a trial's architecture. */
export interface SpecSummaryView {
  readonly input: string;
  readonly template: string;
  readonly widths: readonly number[];
  readonly depths: readonly number[];
  readonly neck: string;
  readonly head: string;
}

export interface SearchProgressView {
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  readonly best: { readonly ap: number; readonly latencyMs: number } | null;
  readonly frontSize: number;
  readonly trialsPerHour: number;
  readonly elapsedSeconds: number;
  /** The search's budget as asked: trials, wall seconds (null where not limited). */
  readonly budget: { readonly maxTrials: number | null; readonly maxWallSeconds: number | null };
}

export interface SearchSummaryView {
  readonly id: string;
  readonly lineId: string;
  readonly name: string;
  readonly controller: string;
  readonly status: string;
  readonly stopReason: string | null;
  readonly requestedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly progress: SearchProgressView;
}

export function toSearchSummary(search: SearchRecord): SearchSummaryView {
  const budget = (search.settings['budget'] ?? {}) as { maxTrials?: unknown; maxWallSeconds?: unknown };
  const hours = search.elapsedSeconds / 3600;
  return {
    id: search.id,
    lineId: search.lineId,
    name: search.name,
    controller: search.controller,
    status: search.status,
    stopReason: search.stopReason,
    requestedBy: search.requestedBy,
    createdAt: search.createdAt.toISOString(),
    updatedAt: search.updatedAt.toISOString(),
    progress: {
      requested: search.requested,
      completed: search.completed,
      failed: search.failed,
      best: search.bestAp !== null && search.bestLatencyMs !== null ? { ap: search.bestAp, latencyMs: search.bestLatencyMs } : null,
      frontSize: search.frontSize,
      trialsPerHour: hours > 0 ? (search.completed + search.failed) / hours : 0,
      elapsedSeconds: search.elapsedSeconds,
      budget: {
        maxTrials: typeof budget.maxTrials === 'number' ? budget.maxTrials : null,
        maxWallSeconds: typeof budget.maxWallSeconds === 'number' ? budget.maxWallSeconds : null,
      },
    },
  };
}

/**
 * One point per trial: its completed row at the highest rung (a trial promoted to rung 1 shows its
 * rung-1 figures), each marked whether it is on the Pareto front (maximise AP, minimise latency).
 * Trials still running their first rung, or failed, have no point.
 */
export function pointsOf(trials: readonly TrialRecord[]): SearchPointView[] {
  const highest = new Map<string, TrialRecord>();
  for (const trial of trials) {
    if (trial.status !== 'completed' || trial.ap === null || trial.latencyMs === null) continue;
    const seen = highest.get(trial.trialId);
    if (!seen || trial.rung > seen.rung) highest.set(trial.trialId, trial);
  }
  const measured = [...highest.values()].sort((a, b) => a.sequence - b.sequence);
  const front = new Set(paretoFrontOf(measured.map((t) => ({ id: t.trialId, ap: t.ap as number, latencyMs: t.latencyMs as number }))));
  return measured.map((t) => ({
    trialId: t.trialId,
    sequence: t.sequence,
    rung: t.rung,
    controller: t.controller,
    ap: t.ap as number,
    latencyMs: t.latencyMs as number,
    latencySource: t.latencySource,
    reward: t.reward,
    params: t.params,
    macs: t.macs,
    onFront: front.has(t.trialId),
    spec: specSummaryOf(t.spec),
  }));
}

/**
 * The ids on the Pareto front, by the rule of @argus/search's paretoFront (a point is on it when no
 * other is at least as accurate and as fast and better in one): not imported, since that library
 * loads the detector core (TF.js) the console never needs.
 */
export function paretoFrontOf(points: readonly { id: string; ap: number; latencyMs: number }[]): string[] {
  const sorted = [...points].sort((a, b) => a.latencyMs - b.latencyMs || b.ap - a.ap);
  const front: string[] = [];
  let bestAp = -Infinity;
  let bestAtLatency = Infinity;
  for (const p of sorted) {
    if (p.ap > bestAp) {
      front.push(p.id);
      bestAp = p.ap;
      bestAtLatency = p.latencyMs;
    } else if (p.ap === bestAp && p.latencyMs === bestAtLatency) {
      front.push(p.id);
    }
  }
  return front;
}

interface StageJson {
  width?: unknown;
  depth?: unknown;
}

/** The spec's shape in a few words; fields a spec lacks read as `?` rather than failing the page. */
export function specSummaryOf(spec: Readonly<Record<string, unknown>>): SpecSummaryView {
  const input = (spec['input'] ?? {}) as { width?: unknown; height?: unknown; channels?: unknown };
  const stages = (((spec['backbone'] ?? {}) as { stages?: unknown }).stages ?? []) as StageJson[];
  const neck = (spec['neck'] ?? {}) as { type?: unknown; width?: unknown };
  const head = (spec['head'] ?? {}) as { strides?: unknown; depth?: unknown; width?: unknown };
  const text = (v: unknown) => (v === undefined || v === null ? '?' : String(v));
  const strides = Array.isArray(head.strides) ? head.strides.join('/') : '?';
  return {
    input: `${text(input.width)}×${text(input.height)}×${text(input.channels)}`,
    template: text(spec['template']),
    widths: Array.isArray(stages) ? stages.map((s) => Number(s.width)) : [],
    depths: Array.isArray(stages) ? stages.map((s) => Number(s.depth)) : [],
    neck: neck.type === 'none' || neck.type === undefined ? text(neck.type) : `${text(neck.type)} width ${text(neck.width)}`,
    head: `strides ${strides}, depth ${text(head.depth)}, width ${text(head.width)}`,
  };
}
