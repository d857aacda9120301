import { deterministicEventId } from '@argus/messaging';
import type { FrontPoint, SearchProgress, TrialRequest, TrialResult } from '@argus/search';
import type { SearchEngineFactory, SearchEngineHandle, SearchEngineSettings } from '../controller/search-engine.port';

interface ScriptedState {
  next: number;
  inFlight: TrialRequest[];
  answered: string[];
  points: FrontPoint[];
  failed: number;
  cancelled: string | null;
}

/**
 * A small engine for the controller's unit tests, with the engine's contract and nothing of its
 * search: trial n is `{ sequence n, rung 0 }` with an id derived from (search, n), at most
 * maxInFlight outstanding, up to budget.maxTrials; (trial, rung) recorded once; its state is JSON.
 */
export class ScriptedSearchEngine implements SearchEngineHandle {
  constructor(
    private readonly settings: SearchEngineSettings,
    private readonly s: ScriptedState,
  ) {}

  next(): TrialRequest[] {
    const issued: TrialRequest[] = [];
    const max = this.settings.budget.maxTrials ?? Number.POSITIVE_INFINITY;
    while (!this.s.cancelled && this.s.inFlight.length < this.settings.maxInFlight && this.s.next < max) {
      const sequence = this.s.next++;
      const request: TrialRequest = {
        searchId: this.settings.searchId,
        trialId: deterministicEventId('trial', this.settings.searchId, String(sequence)),
        sequence,
        controller: this.settings.controller,
        rung: 0,
        budget: this.settings.rungs[0] ?? { rung: 0, epochs: 1, trainImages: 1, cropsPerImage: 1 },
        choices: [sequence],
        spec: this.settings.base,
        seed: this.settings.seed + sequence,
      };
      this.s.inFlight.push(request);
      issued.push(request);
    }
    return issued;
  }

  record(result: TrialResult): { counted: boolean } {
    const key = `${result.trialId}/${result.rung}`;
    const request = this.s.inFlight.find((r) => r.trialId === result.trialId && r.rung === result.rung);
    if (!request || this.s.answered.includes(key)) return { counted: false };
    this.s.answered.push(key);
    this.s.inFlight = this.s.inFlight.filter((r) => r !== request);
    if (result.outcome === 'completed') {
      const m = result.measurement;
      this.s.points.push({
        trialId: result.trialId,
        sequence: request.sequence,
        rung: result.rung,
        ap: m.ap,
        latencyMs: m.latencyMs,
        reward: m.ap,
      });
    } else {
      this.s.failed += 1;
    }
    return { counted: true };
  }

  inFlight(): TrialRequest[] {
    return [...this.s.inFlight];
  }

  cancel(reason: string): void {
    this.s.cancelled = reason;
  }

  isDone(): boolean {
    return this.s.cancelled !== null || this.s.next >= (this.settings.budget.maxTrials ?? Number.POSITIVE_INFINITY);
  }

  progress(): SearchProgress {
    const best = [...this.s.points].sort((a, b) => b.reward - a.reward)[0] ?? null;
    return {
      requested: this.s.next,
      completed: this.s.points.length,
      failed: this.s.failed,
      inFlight: this.s.inFlight.length,
      best,
      frontSize: this.front().length,
      trialsPerHour: 0,
      elapsedSeconds: 0,
      done: this.isDone(),
      stopReason: this.s.cancelled ?? (this.isDone() ? 'trial budget spent' : null),
    };
  }

  points(): FrontPoint[] {
    return [...this.s.points];
  }

  front(): FrontPoint[] {
    return this.s.points.filter(
      (p) =>
        !this.s.points.some((q) => q !== p && q.ap >= p.ap && q.latencyMs <= p.latencyMs && (q.ap > p.ap || q.latencyMs < p.latencyMs)),
    );
  }

  state(): unknown {
    return JSON.parse(JSON.stringify(this.s)) as unknown;
  }
}

export const scriptedEngines: SearchEngineFactory = {
  create: (settings) => new ScriptedSearchEngine(settings, { next: 0, inFlight: [], answered: [], points: [], failed: 0, cancelled: null }),
  restore: (settings, state) => new ScriptedSearchEngine(settings, JSON.parse(JSON.stringify(state)) as ScriptedState),
};
