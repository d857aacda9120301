import type { Database } from './database';
import { hotRows, hotStatement } from './database-handle.helper';

export type ArchitectureSearchStatus = 'running' | 'completed' | 'cancelled' | 'failed';
export type ArchitectureSearchTrialStatus = 'requested' | 'completed' | 'failed';
export type ArchitectureSearchControllerKind = 'ppo' | 'evolution' | 'random';

/** A search as requested (architecture-search's request, kept as JSON in `settings`). */
export interface NewArchitectureSearch {
  readonly id: string;
  readonly lineId: string;
  readonly name: string;
  readonly controller: ArchitectureSearchControllerKind;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly requestedBy: string;
}

/** What the progress columns hold: the engine's progress, flattened for lists. */
export interface ArchitectureSearchProgressRecord {
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly bestAp: number | null;
  readonly bestLatencyMs: number | null;
  readonly frontSize: number;
  readonly elapsedSeconds: number;
  readonly stopReason: string | null;
}

/** A point of a search's front as the service stored it (its FrontPoint). */
export type ArchitectureSearchFrontPointRecord = Readonly<Record<string, unknown>>;

/** Everything the controller rewrites after each step, in one statement. */
export interface ArchitectureSearchSnapshot {
  readonly status: ArchitectureSearchStatus;
  /** The search engine's JSON state; null for a search that never started (it failed at once). */
  readonly engineState: unknown;
  readonly front: readonly ArchitectureSearchFrontPointRecord[];
  readonly progress: ArchitectureSearchProgressRecord;
}

/** A search without its engine state (lists). */
export interface ArchitectureSearchSummary extends NewArchitectureSearch, ArchitectureSearchProgressRecord {
  readonly status: ArchitectureSearchStatus;
  readonly front: readonly ArchitectureSearchFrontPointRecord[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
}

export interface ArchitectureSearchRecord extends ArchitectureSearchSummary {
  readonly engineState: unknown;
}

/** One trial at one rung, as the controller requested it. */
export interface NewArchitectureSearchTrial {
  readonly searchId: string;
  readonly trialId: string;
  readonly rung: number;
  readonly sequence: number;
  readonly controller: ArchitectureSearchControllerKind;
  readonly choices: readonly number[];
  readonly spec: Readonly<Record<string, unknown>>;
}

/** A worker's answer as the controller counted it. */
export type ArchitectureSearchTrialOutcome =
  | {
      readonly status: 'completed';
      readonly workerId: string;
      readonly ap: number;
      readonly latencyMs: number;
      readonly latencySource: 'measured' | 'paired-ratio';
      readonly params: number;
      readonly macs: number;
      readonly trainSeconds: number;
      readonly evalSeconds: number;
      /** The objective's reward; null when the engine gave none. */
      readonly reward: number | null;
    }
  | { readonly status: 'failed'; readonly workerId: string; readonly reason: string };

export interface ArchitectureSearchTrialRecord extends NewArchitectureSearchTrial {
  readonly status: ArchitectureSearchTrialStatus;
  readonly ap: number | null;
  readonly latencyMs: number | null;
  readonly latencySource: 'measured' | 'paired-ratio' | null;
  readonly reward: number | null;
  readonly params: number | null;
  readonly macs: number | null;
  readonly trainSeconds: number | null;
  readonly evalSeconds: number | null;
  /** The worker that last started it (or answered it). */
  readonly workerId: string | null;
  /** Deliveries a worker started (more than 1: it was redelivered, e.g. after a worker died). */
  readonly attempts: number;
  readonly reason: string | null;
  readonly requestedAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

/** What a trial worker needs to know before it trains a delivered request. */
export interface ArchitectureSearchTrialView {
  readonly searchStatus: ArchitectureSearchStatus;
  /** Null when the search has no such trial at that rung. */
  readonly trialStatus: ArchitectureSearchTrialStatus | null;
}

interface SearchRow {
  id: string;
  line_id: string;
  name: string;
  controller: ArchitectureSearchControllerKind;
  status: ArchitectureSearchStatus;
  settings: Record<string, unknown>;
  engine_state?: unknown;
  front: ArchitectureSearchFrontPointRecord[];
  requested: number;
  completed: number;
  failed: number;
  in_flight: number;
  best_ap: number | null;
  best_latency_ms: number | null;
  front_size: number;
  elapsed_seconds: number;
  stop_reason: string | null;
  requested_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  finished_at: Date | string | null;
}

interface TrialRow {
  search_id: string;
  trial_id: string;
  rung: number;
  sequence: number;
  controller: ArchitectureSearchControllerKind;
  choices: number[];
  spec: Record<string, unknown>;
  status: ArchitectureSearchTrialStatus;
  ap: number | null;
  latency_ms: number | null;
  latency_source: 'measured' | 'paired-ratio' | null;
  reward: number | null;
  params: string | number | null;
  macs: number | null;
  train_seconds: number | null;
  eval_seconds: number | null;
  worker_id: string | null;
  attempts: number;
  reason: string | null;
  requested_at: Date | string;
  started_at: Date | string | null;
  completed_at: Date | string | null;
}

const SUMMARY_COLUMNS = `id, line_id, name, controller, status, settings, front, requested, completed, failed, in_flight, best_ap,
                         best_latency_ms, front_size, elapsed_seconds, stop_reason, requested_by, created_at, updated_at, finished_at`;
const TRIAL_COLUMNS = `search_id, trial_id, rung, sequence, controller, choices, spec, status, ap, latency_ms, latency_source, reward,
                       params, macs, train_seconds, eval_seconds, worker_id, attempts, reason, requested_at, started_at, completed_at`;

// UPDATE … RETURNING answers its rows through hotRows (a plain query answers them with the row count).
const RECORD_COMPLETED = hotStatement(
  'architecture_search_trial_completed',
  `UPDATE architecture_search_trial
      SET status = 'completed', worker_id = $4, ap = $5, latency_ms = $6, latency_source = $7, params = $8, macs = $9,
          train_seconds = $10, eval_seconds = $11, reward = $12, completed_at = now()
    WHERE search_id = $1 AND trial_id = $2 AND rung = $3 AND status = 'requested'
    RETURNING trial_id`,
);
const RECORD_FAILED = hotStatement(
  'architecture_search_trial_failed',
  `UPDATE architecture_search_trial
      SET status = 'failed', worker_id = $4, reason = $5, completed_at = now()
    WHERE search_id = $1 AND trial_id = $2 AND rung = $3 AND status = 'requested'
    RETURNING trial_id`,
);
const MARK_STARTED = hotStatement(
  'architecture_search_trial_started',
  `UPDATE architecture_search_trial SET attempts = attempts + 1, worker_id = $4, started_at = now()
    WHERE search_id = $1 AND trial_id = $2 AND rung = $3 AND status = 'requested'
    RETURNING attempts`,
);

/**
 * Architecture searches and their trials. The architecture-search controller creates a search,
 * then after each step rewrites its snapshot and its trials in one transaction (`inTransaction`,
 * with the search row locked by `findForUpdate`); its trial workers read a trial's standing and
 * mark the trials they start; the console lists searches, trials and points. Which result counts
 * is the engine's business: this only stores what the controller decided.
 */
export class ArchitectureSearchRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` in one transaction on a repository that takes part in it. */
  inTransaction<T>(work: (repository: ArchitectureSearchRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new ArchitectureSearchRepository(tx)));
  }

  /** Records a new search; false (and nothing written) when a search with this id exists. */
  async create(search: NewArchitectureSearch, snapshot: ArchitectureSearchSnapshot): Promise<boolean> {
    const p = snapshot.progress;
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO architecture_search (id, line_id, name, controller, status, settings, engine_state, front, requested, completed, failed,
                                        in_flight, best_ap, best_latency_ms, front_size, elapsed_seconds, stop_reason, requested_by,
                                        finished_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
               CASE WHEN $5 = 'running' THEN NULL ELSE now() END)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        search.id,
        search.lineId,
        search.name,
        search.controller,
        snapshot.status,
        JSON.stringify(search.settings),
        snapshot.engineState === null || snapshot.engineState === undefined ? null : JSON.stringify(snapshot.engineState),
        JSON.stringify(snapshot.front),
        p.requested,
        p.completed,
        p.failed,
        p.inFlight,
        p.bestAp,
        p.bestLatencyMs,
        p.frontSize,
        p.elapsedSeconds,
        p.stopReason,
        search.requestedBy,
      ],
    );
    return rows.length > 0;
  }

  /** The search with its engine state, its row locked until the transaction ends (use inside `inTransaction`). */
  async findForUpdate(searchId: string): Promise<ArchitectureSearchRecord | null> {
    const [row] = await this.db.query<SearchRow>(
      `SELECT ${SUMMARY_COLUMNS}, engine_state FROM architecture_search WHERE id = $1 FOR UPDATE`,
      [searchId],
    );
    return row ? toRecord(row) : null;
  }

  async find(searchId: string): Promise<ArchitectureSearchRecord | null> {
    const [row] = await this.db.query<SearchRow>(`SELECT ${SUMMARY_COLUMNS}, engine_state FROM architecture_search WHERE id = $1`, [
      searchId,
    ]);
    return row ? toRecord(row) : null;
  }

  /** Rewrites the search's status, engine state, front and progress columns. */
  async saveSnapshot(searchId: string, snapshot: ArchitectureSearchSnapshot): Promise<void> {
    const p = snapshot.progress;
    await this.db.query(
      `UPDATE architecture_search
          SET status = $2, engine_state = $3::jsonb, front = $4::jsonb, requested = $5, completed = $6, failed = $7, in_flight = $8,
              best_ap = $9, best_latency_ms = $10, front_size = $11, elapsed_seconds = $12, stop_reason = $13, updated_at = now(),
              finished_at = CASE WHEN $2 = 'running' THEN NULL ELSE COALESCE(finished_at, now()) END
        WHERE id = $1`,
      [
        searchId,
        snapshot.status,
        snapshot.engineState === null || snapshot.engineState === undefined ? null : JSON.stringify(snapshot.engineState),
        JSON.stringify(snapshot.front),
        p.requested,
        p.completed,
        p.failed,
        p.inFlight,
        p.bestAp,
        p.bestLatencyMs,
        p.frontSize,
        p.elapsedSeconds,
        p.stopReason,
      ],
    );
  }

  /** Records requested trials; one already recorded at that rung stays as it is. */
  async addTrials(trials: readonly NewArchitectureSearchTrial[]): Promise<void> {
    for (const t of trials) {
      await this.db.query(
        `INSERT INTO architecture_search_trial (search_id, trial_id, rung, sequence, controller, choices, spec)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)
         ON CONFLICT (search_id, trial_id, rung) DO NOTHING`,
        [t.searchId, t.trialId, t.rung, t.sequence, t.controller, JSON.stringify(t.choices), JSON.stringify(t.spec)],
      );
    }
  }

  /** Records a trial's outcome at a rung, once: false when it was answered already or was never requested. */
  async recordTrialOutcome(searchId: string, trialId: string, rung: number, outcome: ArchitectureSearchTrialOutcome): Promise<boolean> {
    const rows =
      outcome.status === 'completed'
        ? await hotRows<{ trial_id: string }>(this.db, RECORD_COMPLETED, [
            searchId,
            trialId,
            rung,
            outcome.workerId,
            outcome.ap,
            outcome.latencyMs,
            outcome.latencySource,
            Math.round(outcome.params),
            outcome.macs,
            outcome.trainSeconds,
            outcome.evalSeconds,
            outcome.reward,
          ])
        : await hotRows<{ trial_id: string }>(this.db, RECORD_FAILED, [searchId, trialId, rung, outcome.workerId, outcome.reason]);
    return rows.length > 0;
  }

  /** Where a delivered trial request stands; null when there is no such search. */
  async trialView(searchId: string, trialId: string, rung: number): Promise<ArchitectureSearchTrialView | null> {
    const [row] = await this.db.query<{ search_status: ArchitectureSearchStatus; trial_status: ArchitectureSearchTrialStatus | null }>(
      `SELECT s.status AS search_status, t.status AS trial_status
         FROM architecture_search s
         LEFT JOIN architecture_search_trial t ON t.search_id = s.id AND t.trial_id = $2 AND t.rung = $3
        WHERE s.id = $1`,
      [searchId, trialId, rung],
    );
    return row ? { searchStatus: row.search_status, trialStatus: row.trial_status } : null;
  }

  /** A worker starts a requested trial: attempts + 1 (0 when it is not a requested trial any more). */
  async markTrialStarted(searchId: string, trialId: string, rung: number, workerId: string): Promise<number> {
    const [row] = await hotRows<{ attempts: number }>(this.db, MARK_STARTED, [searchId, trialId, rung, workerId]);
    return row?.attempts ?? 0;
  }

  /** Searches still running, oldest first (what a controller restores at start-up). */
  async runningSearchIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(`SELECT id FROM architecture_search WHERE status = 'running' ORDER BY created_at, id`);
    return rows.map((row) => row.id);
  }

  /** Searches, newest first; one line's when `lineId` is given. */
  async list(options: { lineId?: string; limit?: number } = {}): Promise<ArchitectureSearchSummary[]> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const rows = options.lineId
      ? await this.db.query<SearchRow>(
          `SELECT ${SUMMARY_COLUMNS} FROM architecture_search WHERE line_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
          [options.lineId, limit],
        )
      : await this.db.query<SearchRow>(`SELECT ${SUMMARY_COLUMNS} FROM architecture_search ORDER BY created_at DESC, id DESC LIMIT $1`, [
          limit,
        ]);
    return rows.map(toSummary);
  }

  /** A search's trials, each rung its own row, in the order they were proposed. */
  async trials(searchId: string): Promise<ArchitectureSearchTrialRecord[]> {
    const rows = await this.db.query<TrialRow>(
      `SELECT ${TRIAL_COLUMNS} FROM architecture_search_trial WHERE search_id = $1 ORDER BY sequence, rung`,
      [searchId],
    );
    return rows.map(toTrial);
  }

  /** A search's points: each trial at the highest rung it completed, in the order they were proposed. */
  async points(searchId: string): Promise<ArchitectureSearchTrialRecord[]> {
    const rows = await this.db.query<TrialRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (trial_id) ${TRIAL_COLUMNS}
           FROM architecture_search_trial
          WHERE search_id = $1 AND status = 'completed'
          ORDER BY trial_id, rung DESC
       ) p ORDER BY sequence`,
      [searchId],
    );
    return rows.map(toTrial);
  }
}

function toSummary(row: SearchRow): ArchitectureSearchSummary {
  return {
    id: row.id,
    lineId: row.line_id,
    name: row.name,
    controller: row.controller,
    settings: row.settings,
    requestedBy: row.requested_by,
    status: row.status,
    front: row.front,
    requested: row.requested,
    completed: row.completed,
    failed: row.failed,
    inFlight: row.in_flight,
    bestAp: row.best_ap,
    bestLatencyMs: row.best_latency_ms,
    frontSize: row.front_size,
    elapsedSeconds: row.elapsed_seconds,
    stopReason: row.stop_reason,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    finishedAt: row.finished_at === null ? null : toDate(row.finished_at),
  };
}

function toRecord(row: SearchRow): ArchitectureSearchRecord {
  return { ...toSummary(row), engineState: row.engine_state ?? null };
}

function toTrial(row: TrialRow): ArchitectureSearchTrialRecord {
  return {
    searchId: row.search_id,
    trialId: row.trial_id,
    rung: row.rung,
    sequence: row.sequence,
    controller: row.controller,
    choices: row.choices,
    spec: row.spec,
    status: row.status,
    ap: row.ap,
    latencyMs: row.latency_ms,
    latencySource: row.latency_source,
    reward: row.reward,
    params: row.params === null ? null : Number(row.params),
    macs: row.macs,
    trainSeconds: row.train_seconds,
    evalSeconds: row.eval_seconds,
    workerId: row.worker_id,
    attempts: row.attempts,
    reason: row.reason,
    requestedAt: toDate(row.requested_at),
    startedAt: row.started_at === null ? null : toDate(row.started_at),
    completedAt: row.completed_at === null ? null : toDate(row.completed_at),
  };
}

function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
