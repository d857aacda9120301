import { SearchError, SearchErrorCodes } from '../search.errors';

/** What the front needs of a point: its accuracy (higher is better) and latency (lower is better). */
export interface ApLatency {
  readonly ap: number;
  readonly latencyMs: number;
}

/** The hypervolume's reference point: the worst AP and latency that still count. */
export interface HypervolumeReference {
  readonly apRef: number;
  readonly latencyRefMs: number;
}

/** `a` dominates `b`: at least as accurate and as fast, and strictly better in one of the two. */
export function dominates(a: ApLatency, b: ApLatency): boolean {
  return a.ap >= b.ap && a.latencyMs <= b.latencyMs && (a.ap > b.ap || a.latencyMs < b.latencyMs);
}

/**
 * The Pareto front (maximise AP, minimise latency): the points no other point dominates, fastest
 * first. Points with the same AP and latency do not dominate each other, so each of them stays on
 * the front (two trials that measured the same are two dots); the hypervolume is unchanged by them.
 */
export function paretoFront<P extends ApLatency>(points: readonly P[]): P[] {
  // Fastest first, the most accurate first among equally fast: a point is on the front iff it is
  // more accurate than every strictly faster point, or ties the best so far exactly.
  const sorted = points
    .map((point, index) => ({ point, index }))
    .sort((a, b) => a.point.latencyMs - b.point.latencyMs || b.point.ap - a.point.ap || a.index - b.index);
  const front: P[] = [];
  let bestAp = -Infinity;
  let bestAtLatency = Infinity;
  for (const { point } of sorted) {
    if (point.ap > bestAp) {
      front.push(point);
      bestAp = point.ap;
      bestAtLatency = point.latencyMs;
    } else if (point.ap === bestAp && point.latencyMs === bestAtLatency) {
      front.push(point);
    }
  }
  return front;
}

/**
 * The 2-D hypervolume: the area (AP × ms) of the region the points dominate and that dominates the
 * reference point, i.e. the union over points of [apRef, ap] × [latencyMs, latencyRefMs]. A point no
 * better than the reference in AP, or no faster in latency, adds nothing. Dominated points may be
 * passed; they add nothing either.
 */
export function hypervolume(points: readonly ApLatency[], reference: HypervolumeReference): number {
  const { apRef, latencyRefMs } = reference;
  if (!Number.isFinite(apRef) || !Number.isFinite(latencyRefMs)) {
    throw new SearchError(
      SearchErrorCodes.invalidSettings,
      `the hypervolume's reference point must be finite, got AP ${apRef}, ${latencyRefMs} ms`,
    );
  }
  const counted = points.filter((p) => p.ap > apRef && p.latencyMs < latencyRefMs).sort((a, b) => a.latencyMs - b.latencyMs);
  // Sweep from the fastest point to the reference latency: on each latency interval the region's
  // height is the best AP among the points at least that fast.
  let area = 0;
  let bestAp = apRef;
  counted.forEach((point, i) => {
    bestAp = Math.max(bestAp, point.ap);
    const until = counted[i + 1]?.latencyMs ?? latencyRefMs;
    area += (until - point.latencyMs) * (bestAp - apRef);
  });
  return area;
}
