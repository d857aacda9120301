/**
 * What the console reads of architecture search (the tables architecture-search writes:
 * architecture_search and architecture_search_trial). A port, so the pages' logic is tested
 * without Postgres; its adapter maps the persistence repository's rows (postgres-search.reader.ts).
 */
export type SearchStatus = 'running' | 'completed' | 'cancelled' | 'failed';
export type SearchControllerKind = 'ppo' | 'evolution' | 'random';

export interface SearchRecord {
  readonly id: string;
  readonly lineId: string;
  readonly name: string;
  readonly controller: SearchControllerKind;
  readonly status: SearchStatus;
  /** The search.requested.v1 it started from (data source, base, objective, budget, rungs…). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  readonly bestAp: number | null;
  readonly bestLatencyMs: number | null;
  readonly frontSize: number;
  readonly elapsedSeconds: number;
  readonly stopReason: string | null;
  readonly requestedBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** One trial at one rung. */
export interface TrialRecord {
  readonly trialId: string;
  readonly sequence: number;
  readonly rung: number;
  readonly controller: SearchControllerKind;
  readonly status: 'requested' | 'completed' | 'failed';
  readonly spec: Readonly<Record<string, unknown>>;
  readonly ap: number | null;
  readonly latencyMs: number | null;
  readonly latencySource: string | null;
  readonly reward: number | null;
  readonly params: number | null;
  readonly macs: number | null;
  readonly reason: string | null;
}

export interface SearchReader {
  /** Newest first. */
  list(limit: number): Promise<SearchRecord[]>;
  find(searchId: string): Promise<SearchRecord | null>;
  /** Every trial row of the search (every rung). */
  trials(searchId: string): Promise<TrialRecord[]>;
}
