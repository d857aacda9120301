import type { SearchRequestedV1 } from '@argus/contracts';
import type { TrialRequest } from '@argus/search';
import type {
  CountedOutcome,
  SearchSnapshot,
  SearchStore,
  StepDecision,
  StoredSearch,
  TrialStanding,
  TrialStandingReader,
} from '../controller/search.ports';
import type { TrialLedger, TrialSearchStatus, TrialStatus } from '../trials/trial-worker.ports';

interface TrialRow {
  request: TrialRequest;
  status: 'requested' | 'completed' | 'failed';
  attempts: number;
  outcome: CountedOutcome | null;
}

/**
 * The controller's store and the workers' ledger in memory, for unit tests: a step's changes are
 * applied only when its work returned (as the Postgres transaction commits only then).
 */
export class InMemorySearchStore implements SearchStore, TrialStandingReader, TrialLedger {
  readonly searches = new Map<string, StoredSearch & { snapshot: SearchSnapshot }>();
  readonly trials = new Map<string, TrialRow>();

  async create(request: SearchRequestedV1, snapshot: SearchSnapshot, trials: readonly TrialRequest[]): Promise<boolean> {
    if (this.searches.has(request.searchId)) return false;
    this.searches.set(request.searchId, { request, status: snapshot.status, engineState: snapshot.engineState, snapshot });
    this.addTrials(trials);
    return true;
  }

  async find(searchId: string): Promise<StoredSearch | null> {
    return this.searches.get(searchId) ?? null;
  }

  async step<T>(searchId: string, work: (search: StoredSearch | null) => Promise<StepDecision<T>> | StepDecision<T>): Promise<T> {
    const { changes, value } = await work(this.searches.get(searchId) ?? null);
    if (changes) {
      const search = this.searches.get(searchId);
      if (!search) throw new Error(`BUG: changes for unknown search ${searchId}`);
      if (changes.outcome) this.recordOutcome(searchId, changes.outcome.trialId, changes.outcome.rung, changes.outcome.value);
      this.addTrials(changes.newTrials);
      this.searches.set(searchId, {
        ...search,
        status: changes.snapshot.status,
        engineState: changes.snapshot.engineState,
        snapshot: changes.snapshot,
      });
    }
    return value;
  }

  async recordLateOutcome(searchId: string, trialId: string, rung: number, outcome: CountedOutcome): Promise<void> {
    this.recordOutcome(searchId, trialId, rung, outcome);
  }

  async notStarted(searchId: string, requests: readonly TrialRequest[]): Promise<TrialRequest[]> {
    return requests.filter((r) => {
      const row = this.trials.get(key(searchId, r.trialId, r.rung));
      return !row || (row.attempts === 0 && row.status === 'requested');
    });
  }

  async trialStanding(searchId: string, trialId: string, rung: number): Promise<TrialStanding> {
    return this.trials.get(key(searchId, trialId, rung))?.status ?? null;
  }

  async runningSearchIds(): Promise<string[]> {
    return [...this.searches.values()].filter((s) => s.status === 'running').map((s) => s.request.searchId);
  }

  async trialView(
    searchId: string,
    trialId: string,
    rung: number,
  ): Promise<{ searchStatus: TrialSearchStatus; trialStatus: TrialStatus | null } | null> {
    const search = this.searches.get(searchId);
    if (!search) return null;
    return { searchStatus: search.status, trialStatus: this.trials.get(key(searchId, trialId, rung))?.status ?? null };
  }

  async markTrialStarted(searchId: string, trialId: string, rung: number): Promise<number> {
    const row = this.trials.get(key(searchId, trialId, rung));
    if (!row || row.status !== 'requested') return 0;
    row.attempts += 1;
    return row.attempts;
  }

  trialRows(searchId: string): TrialRow[] {
    return [...this.trials.values()].filter((row) => row.request.searchId === searchId);
  }

  private addTrials(trials: readonly TrialRequest[]): void {
    for (const request of trials) {
      const k = key(request.searchId, request.trialId, request.rung);
      if (!this.trials.has(k)) this.trials.set(k, { request, status: 'requested', attempts: 0, outcome: null });
    }
  }

  private recordOutcome(searchId: string, trialId: string, rung: number, outcome: CountedOutcome): void {
    const row = this.trials.get(key(searchId, trialId, rung));
    if (!row || row.status !== 'requested') return;
    row.status = outcome.status;
    row.outcome = outcome;
  }
}

function key(searchId: string, trialId: string, rung: number): string {
  return `${searchId}/${trialId}/${rung}`;
}
