import type { SearchRequestedV1 } from '@argus/contracts';
import { SearchRequestedV1Schema } from '@argus/contracts';
import type {
  ArchitectureSearchRepository,
  ArchitectureSearchSnapshot,
  ArchitectureSearchTrialOutcome,
  NewArchitectureSearchTrial,
} from '@argus/persistence';
import type { TrialRequest } from '@argus/search';
import type {
  CountedOutcome,
  SearchSnapshot,
  SearchStore,
  StepDecision,
  StoredSearch,
  TrialStanding,
  TrialStandingReader,
} from './search.ports';

/**
 * The controller's store on Postgres: a search's row (its request in `settings`, its engine state
 * and progress columns) and one row per trial and rung. A step locks the search's row, so two
 * controllers (or a controller and its own timer) never step the same search at once.
 */
export class PostgresSearchStore implements SearchStore, TrialStandingReader {
  constructor(private readonly searches: ArchitectureSearchRepository) {}

  async create(request: SearchRequestedV1, snapshot: SearchSnapshot, trials: readonly TrialRequest[]): Promise<boolean> {
    return this.searches.inTransaction(async (tx) => {
      const created = await tx.create(
        {
          id: request.searchId,
          lineId: request.lineId,
          name: request.name,
          controller: request.controller,
          settings: request,
          requestedBy: request.requestedBy,
        },
        snapshotRecord(snapshot),
      );
      if (created) await tx.addTrials(trials.map(trialRecord));
      return created;
    });
  }

  async find(searchId: string): Promise<StoredSearch | null> {
    const row = await this.searches.find(searchId);
    return row ? { request: requestOf(row.settings), status: row.status, engineState: row.engineState } : null;
  }

  async step<T>(searchId: string, work: (search: StoredSearch | null) => Promise<StepDecision<T>> | StepDecision<T>): Promise<T> {
    return this.searches.inTransaction(async (tx) => {
      const row = await tx.findForUpdate(searchId);
      const decision = await work(row ? { request: requestOf(row.settings), status: row.status, engineState: row.engineState } : null);
      const changes = decision.changes;
      if (changes) {
        if (changes.outcome) {
          await tx.recordTrialOutcome(searchId, changes.outcome.trialId, changes.outcome.rung, outcomeRecord(changes.outcome.value));
        }
        await tx.addTrials(changes.newTrials.map(trialRecord));
        await tx.saveSnapshot(searchId, snapshotRecord(changes.snapshot));
      }
      return decision.value;
    });
  }

  async recordLateOutcome(searchId: string, trialId: string, rung: number, outcome: CountedOutcome): Promise<void> {
    await this.searches.recordTrialOutcome(searchId, trialId, rung, outcomeRecord(outcome));
  }

  async notStarted(searchId: string, requests: readonly TrialRequest[]): Promise<TrialRequest[]> {
    if (requests.length === 0) return [];
    const started = new Set(
      (await this.searches.trials(searchId)).filter((t) => t.attempts > 0 || t.status !== 'requested').map((t) => `${t.trialId}/${t.rung}`),
    );
    return requests.filter((r) => !started.has(`${r.trialId}/${r.rung}`));
  }

  async trialStanding(searchId: string, trialId: string, rung: number): Promise<TrialStanding> {
    return (await this.searches.trialView(searchId, trialId, rung))?.trialStatus ?? null;
  }

  async runningSearchIds(): Promise<string[]> {
    return this.searches.runningSearchIds();
  }
}

/** The request as it was stored (it was valid when received; parsing again keeps its types honest). */
function requestOf(settings: Readonly<Record<string, unknown>>): SearchRequestedV1 {
  return SearchRequestedV1Schema.parse(settings);
}

function trialRecord(request: TrialRequest): NewArchitectureSearchTrial {
  return {
    searchId: request.searchId,
    trialId: request.trialId,
    rung: request.rung,
    sequence: request.sequence,
    controller: request.controller,
    choices: request.choices,
    spec: request.spec as unknown as Record<string, unknown>,
  };
}

function snapshotRecord(snapshot: SearchSnapshot): ArchitectureSearchSnapshot {
  const p = snapshot.progress;
  return {
    status: snapshot.status,
    engineState: snapshot.engineState,
    front: snapshot.front.map((point) => ({ ...point })),
    progress: {
      requested: p.requested,
      completed: p.completed,
      failed: p.failed,
      inFlight: p.inFlight,
      bestAp: p.best?.ap ?? null,
      bestLatencyMs: p.best?.latencyMs ?? null,
      frontSize: p.frontSize,
      elapsedSeconds: p.elapsedSeconds,
      stopReason: p.stopReason,
    },
  };
}

function outcomeRecord(outcome: CountedOutcome): ArchitectureSearchTrialOutcome {
  if (outcome.status === 'failed') return outcome;
  const m = outcome.measurement;
  return {
    status: 'completed',
    workerId: outcome.workerId,
    ap: m.ap,
    latencyMs: m.latencyMs,
    latencySource: m.latencySource,
    params: m.params,
    macs: m.macs,
    trainSeconds: m.trainSeconds,
    evalSeconds: m.evalSeconds,
    reward: outcome.reward,
  };
}
