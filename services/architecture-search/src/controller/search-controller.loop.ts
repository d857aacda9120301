import { randomUUID } from 'node:crypto';
import type { SearchCancelRequestedV1, SearchRequestedV1, SearchTrialCompletedV1 } from '@argus/contracts';
import { Topics } from '@argus/contracts';
import { deterministicEventId, type MessageBus } from '@argus/messaging';
import type { Logger } from '@argus/platform';
import type { SearchProgress, TrialRequest, TrialResult } from '@argus/search';
import { checkSpec } from '@argus/vision';
import { UnknownSearchError, UnknownTrialError } from '../search.errors';
import type { SearchEngineFactory, SearchEngineHandle, SearchEngineSettings } from './search-engine.port';
import type { CountedOutcome, SearchSnapshot, SearchStatus, SearchStore, StoredSearch, TrialStandingReader } from './search.ports';

export interface SearchControllerDeps {
  readonly store: SearchStore & TrialStandingReader;
  readonly engines: SearchEngineFactory;
  readonly bus: Pick<MessageBus, 'publish'>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  readonly clock?: () => number;
}

/** What a step of one search published afterwards. */
interface Published {
  readonly search: StoredSearch;
  readonly requests: readonly TrialRequest[];
  readonly snapshot: SearchSnapshot;
}

/**
 * The controller loop: turns search requests, cancels and trial answers into engine steps, each
 * step one transaction in the store (the search locked, the result counted and the engine state
 * that counted it saved together), and only then publishes what the step decided — the next trial
 * requests, the progress, the end. Nothing of a search is kept in this process between events: the
 * engine is restored from the store for every step, so a controller killed at any point loses
 * nothing. What it may leave behind is a step saved but not published; `resume` (at start-up) and
 * a redelivered answer re-publish the trials no worker has started, under the same event ids, and
 * a trial a worker then runs twice is counted once (the engine records (trial, rung) once).
 */
export class SearchControllerLoop {
  private readonly clock: () => number;

  constructor(private readonly deps: SearchControllerDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** A new search: engine created, first trials recorded, then requested. A redelivered request re-publishes what is in flight. */
  async start(request: SearchRequestedV1): Promise<void> {
    const { store, engines, logger } = this.deps;
    const existing = await store.find(request.searchId);
    if (existing) {
      logger.debug({ searchId: request.searchId, status: existing.status }, 'search requested again: already recorded');
      if (existing.status === 'running') await this.republish(existing);
      return;
    }
    const now = this.clock();
    let engine: SearchEngineHandle;
    let requests: TrialRequest[];
    try {
      engine = engines.create(settingsOf(request));
      requests = engine.next(now);
    } catch (error) {
      // The request's own content (spec, budget, rungs) cannot make a search: that is its outcome.
      const reason = `the search could not start: ${error instanceof Error ? error.message : String(error)}`;
      const snapshot = failedSnapshot(reason);
      if (await store.create(request, snapshot, [])) {
        logger.warn({ searchId: request.searchId, reason }, 'search failed at start');
        await this.publishEnd({ request, status: 'failed', engineState: null }, snapshot);
      }
      return;
    }
    const snapshot = snapshotOf(engine, now, 'running');
    if (!(await store.create(request, snapshot, requests))) return;
    logger.info(
      { searchId: request.searchId, controller: request.controller, trials: requests.length, lineId: request.lineId },
      'search started',
    );
    await this.publish({ search: { request, status: snapshot.status, engineState: snapshot.engineState }, requests, snapshot });
  }

  /** Stops proposing: the search ends as cancelled at once; trials still training answer into the record only. */
  async cancel(command: SearchCancelRequestedV1): Promise<void> {
    const done = await this.deps.store.step(command.searchId, (search) => {
      // The request may not have been handled yet (another topic): retried, then dead-lettered.
      if (!search) throw new UnknownSearchError(command.searchId, 'a cancel request');
      if (search.status !== 'running') return { changes: null, value: null };
      const now = this.clock();
      const engine = this.deps.engines.restore(settingsOf(search.request), search.engineState);
      engine.cancel(`cancelled by ${command.requestedBy}: ${command.reason}`);
      const snapshot = snapshotOf(engine, now, 'cancelled');
      return { changes: { newTrials: [], snapshot }, value: { search, requests: [], snapshot } };
    });
    if (!done) {
      this.deps.logger.debug({ searchId: command.searchId }, 'cancel of a search that has ended: nothing to do');
      return;
    }
    this.deps.logger.info({ searchId: command.searchId, by: command.requestedBy }, 'search cancelled');
    await this.publish(done);
  }

  /** A worker's answer: counted once, then the next trials requested. */
  async answer(message: SearchTrialCompletedV1): Promise<void> {
    const { store, engines, logger } = this.deps;
    const result = trialResultOf(message);
    const outcome = countedOutcomeOf(message, null);
    type Step =
      | { readonly kind: 'late'; readonly status: SearchStatus }
      | { readonly kind: 'not-counted'; readonly search: StoredSearch; readonly engine: SearchEngineHandle }
      | ({ readonly kind: 'counted' } & Published);
    const step = await store.step<Step>(message.searchId, (search) => {
      if (!search) throw new UnknownSearchError(message.searchId, 'a trial answer');
      if (search.status !== 'running') return { changes: null, value: { kind: 'late', status: search.status } };
      const now = this.clock();
      const engine = engines.restore(settingsOf(search.request), search.engineState);
      if (!engine.record(result, now).counted) return { changes: null, value: { kind: 'not-counted', search, engine } };
      const requests = engine.next(now);
      const snapshot = snapshotOf(engine, now, 'running');
      const point = engine.points().find((p) => p.trialId === message.trialId && p.rung === message.rung);
      const counted = countedOutcomeOf(message, point?.reward ?? null);
      return {
        changes: { outcome: { trialId: message.trialId, rung: message.rung, value: counted }, newTrials: requests, snapshot },
        value: { kind: 'counted', search, requests, snapshot },
      };
    });
    if (step.kind === 'late') {
      await store.recordLateOutcome(message.searchId, message.trialId, message.rung, outcome);
      logger.debug(
        { searchId: message.searchId, trialId: message.trialId, status: step.status },
        'trial answer after its search ended: recorded, not counted',
      );
      return;
    }
    if (step.kind === 'not-counted') {
      const standing = await store.trialStanding(message.searchId, message.trialId, message.rung);
      if (standing === null) throw new UnknownTrialError(message.searchId, message.trialId, message.rung);
      logger.debug(
        { searchId: message.searchId, trialId: message.trialId, rung: message.rung },
        'duplicate trial answer: not counted again',
      );
      // The first delivery may have been counted and then lost its publishes (a crash, Kafka down).
      await this.republish(step.search, step.engine);
      return;
    }
    await this.publish(step);
  }

  /** Every running search's progress (and whatever its wall budget changed); on a timer. */
  async tick(): Promise<void> {
    for (const searchId of await this.deps.store.runningSearchIds()) {
      const stepped = await this.deps.store.step(searchId, (search) => {
        if (!search || search.status !== 'running') return { changes: null, value: null };
        const now = this.clock();
        const engine = this.deps.engines.restore(settingsOf(search.request), search.engineState);
        const requests = engine.next(now);
        const snapshot = snapshotOf(engine, now, 'running');
        return { changes: { newTrials: requests, snapshot }, value: { search, requests, snapshot } };
      });
      if (stepped) await this.publish(stepped);
    }
  }

  /** At start-up: every running search's trials that no worker started are requested again. */
  async resume(): Promise<number> {
    const ids = await this.deps.store.runningSearchIds();
    for (const searchId of ids) {
      const search = await this.deps.store.find(searchId);
      if (search?.status === 'running') await this.republish(search);
    }
    if (ids.length > 0) this.deps.logger.info({ searches: ids.length }, 'running searches resumed');
    return ids.length;
  }

  private async republish(search: StoredSearch, restored?: SearchEngineHandle): Promise<void> {
    const engine = restored ?? this.deps.engines.restore(settingsOf(search.request), search.engineState);
    const pending = await this.deps.store.notStarted(search.request.searchId, engine.inFlight());
    for (const request of pending) await this.publishTrial(search.request, request);
    if (pending.length > 0) {
      this.deps.logger.info({ searchId: search.request.searchId, trials: pending.length }, 'trials no worker started requested again');
    }
  }

  private async publish({ search, requests, snapshot }: Published): Promise<void> {
    for (const request of requests) await this.publishTrial(search.request, request);
    await this.publishProgress(search.request, snapshot.progress);
    if (snapshot.status !== 'running') await this.publishEnd(search, snapshot);
  }

  private async publishTrial(search: SearchRequestedV1, request: TrialRequest): Promise<void> {
    await this.deps.bus.publish(Topics.searchTrialRequested, {
      eventId: deterministicEventId('search.trial.requested', request.trialId, String(request.rung)),
      occurredAt: new Date(this.clock()).toISOString(),
      searchId: request.searchId,
      trialId: request.trialId,
      sequence: request.sequence,
      controller: request.controller,
      rung: request.rung,
      budget: request.budget,
      choices: [...request.choices],
      spec: request.spec as unknown as Record<string, unknown>,
      seed: request.seed,
      dataSource: search.dataSource,
      objective: search.objective,
    });
  }

  private async publishProgress(search: SearchRequestedV1, progress: SearchProgress): Promise<void> {
    await this.deps.bus.publish(Topics.searchProgress, {
      eventId: randomUUID(),
      occurredAt: new Date(this.clock()).toISOString(),
      searchId: search.searchId,
      lineId: search.lineId,
      ...progress,
    });
  }

  private async publishEnd(search: StoredSearch, snapshot: SearchSnapshot): Promise<void> {
    const status = snapshot.status === 'running' ? 'completed' : snapshot.status;
    const p = snapshot.progress;
    await this.deps.bus.publish(Topics.searchCompleted, {
      eventId: deterministicEventId('search.run.completed', search.request.searchId),
      occurredAt: new Date(this.clock()).toISOString(),
      searchId: search.request.searchId,
      lineId: search.request.lineId,
      status,
      stopReason: p.stopReason ?? status,
      requested: p.requested,
      completed: p.completed,
      failed: p.failed,
      best: p.best,
      front: [...snapshot.front],
      elapsedSeconds: p.elapsedSeconds,
    });
  }
}

/** The engine's settings from the request; the base spec checked first (it names what is wrong). */
export function settingsOf(request: SearchRequestedV1): SearchEngineSettings {
  const base = checkSpec(request.base.spec);
  if (!base.success) throw new Error(`base spec is invalid: ${base.issues.join('; ')}`);
  return {
    searchId: request.searchId,
    controller: request.controller,
    seed: request.seed,
    base: base.spec,
    objective: request.objective,
    budget: request.budget,
    rungs: request.rungs,
    eta: request.eta,
    maxInFlight: request.maxInFlight,
  };
}

/** `running` until the engine proposes nothing more and nothing is in flight; a cancelled search stays cancelled. */
function snapshotOf(engine: SearchEngineHandle, nowMs: number, status: SearchStatus): SearchSnapshot {
  const progress = engine.progress(nowMs);
  const finished = status === 'running' && engine.isDone() && engine.inFlight().length === 0;
  return { status: finished ? 'completed' : status, engineState: engine.state(), progress, front: engine.front() };
}

function failedSnapshot(reason: string): SearchSnapshot {
  return {
    status: 'failed',
    engineState: null,
    front: [],
    progress: {
      requested: 0,
      completed: 0,
      failed: 0,
      inFlight: 0,
      best: null,
      frontSize: 0,
      trialsPerHour: 0,
      elapsedSeconds: 0,
      done: true,
      stopReason: reason,
    },
  };
}

function trialResultOf(message: SearchTrialCompletedV1): TrialResult {
  const { searchId, trialId, rung, workerId } = message;
  return message.outcome === 'completed'
    ? { searchId, trialId, rung, workerId, outcome: 'completed', measurement: message.measurement }
    : { searchId, trialId, rung, workerId, outcome: 'failed', reason: message.reason };
}

function countedOutcomeOf(message: SearchTrialCompletedV1, reward: number | null): CountedOutcome {
  return message.outcome === 'completed'
    ? { status: 'completed', workerId: message.workerId, measurement: message.measurement, reward }
    : { status: 'failed', workerId: message.workerId, reason: message.reason };
}
