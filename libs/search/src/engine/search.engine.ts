import { checkSpec, hashStringWithSeed, type ArchitectureSpec } from '@argus/vision';
import { z } from 'zod';
import { ChoicesSchema, parseState } from '../controllers/controller-state';
import type { ControllerContext, JsonValue, Proposal, SearchController } from '../controllers/search.controller';
import { createController, restoreController, type ControllerOptions } from '../controllers/search-controller.factory';
import { hypervolume, paretoFront, type HypervolumeReference } from '../objective/pareto-front';
import { objectiveIssues, searchReward } from '../objective/search.reward';
import { ashaPromotions, promotionKey, rungIssues, type Promotion, type RungResult } from '../scheduling/successive-halving';
import { detectorSearchSpace } from '../space/detector-search.space';
import type { SearchSpace } from '../space/search-space';
import { SearchError, SearchErrorCodes } from '../search.errors';
import {
  CONTROLLER_KINDS,
  type Choices,
  type ControllerKind,
  type FrontPoint,
  type ProxyBudget,
  type SearchBudget,
  type SearchObjective,
  type SearchProgress,
  type TrialMeasurement,
  type TrialRequest,
  type TrialResult,
} from '../search.types';

/** Everything a search is started with; plain JSON, stored beside the engine's state. */
export interface SearchEngineSettings {
  readonly searchId: string;
  readonly controller: ControllerKind;
  readonly seed: number;
  /** The spec the space decodes on: its frame channels, classes, head style and name (the trials' name prefix). */
  readonly base: ArchitectureSpec;
  readonly objective: SearchObjective;
  readonly budget: SearchBudget;
  /** Successive halving's rungs, rung r at index r. One rung: every trial is trained once. */
  readonly rungs: readonly ProxyBudget[];
  /** Successive halving's η: a rung's top 1/η go on, to a budget the rungs make η× longer. */
  readonly eta: number;
  /** At most this many trial evaluations outstanding (one per worker). */
  readonly maxInFlight: number;
  readonly controllerOptions?: ControllerOptions;
  /**
   * The longest gap between two calls that counts toward the wall budget (default 300 s): a search
   * stopped overnight does not spend its budget. The driver calls `progress(now)` more often than this.
   */
  readonly maxGapSeconds?: number;
}

export const DEFAULT_MAX_GAP_SECONDS = 300;

/**
 * A known architecture (already measured at rung 0) proposed again is not trained again: the
 * controller observes the reward it earned. After this many such proposals in a row the engine
 * issues the next one anyway, so a controller that keeps proposing known architectures still
 * spends its budget instead of stalling the search.
 */
export const MAX_KNOWN_PROPOSALS_IN_A_ROW = 16;

const ResultSchema = z.discriminatedUnion('outcome', [
  z.strictObject({
    rung: z.number().int().min(0),
    outcome: z.literal('completed'),
    workerId: z.string(),
    reward: z.number(),
    // Loose: fields the evaluator adds to a measurement later must not make an older state unreadable.
    measurement: z.looseObject({
      ap: z.number(),
      latencyMs: z.number(),
      latencySource: z.enum(['measured', 'paired-ratio']),
      params: z.number(),
      macs: z.number(),
      trainSeconds: z.number(),
      evalSeconds: z.number(),
    }),
  }),
  z.strictObject({
    rung: z.number().int().min(0),
    outcome: z.literal('failed'),
    workerId: z.string(),
    reward: z.number(),
    reason: z.string(),
  }),
]);

const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]),
);

const SearchEngineStateSchema = z.strictObject({
  format: z.literal('argus.search-engine'),
  version: z.literal(1),
  searchId: z.string().min(1),
  controller: JsonValueSchema,
  nextSequence: z.number().int().min(0),
  trials: z.array(
    z.strictObject({
      trialId: z.string(),
      sequence: z.number().int().min(0),
      choices: ChoicesSchema,
      meta: JsonValueSchema,
      /** The network key: equal for choices that build the same network. */
      key: z.string(),
      /** The highest rung requested so far. */
      requestedRung: z.number().int().min(0),
      results: z.array(ResultSchema),
    }),
  ),
  /** Evaluations requested and not answered, in the order they were issued. */
  inFlight: z.array(z.strictObject({ trialId: z.string(), rung: z.number().int().min(0) })),
  /** Proposals of architectures already measured, answered with their known reward instead of a trial. */
  knownProposals: z.number().int().min(0),
  knownInARow: z.number().int().min(0),
  elapsedMs: z.number().min(0),
  lastSeenMs: z.number().nullable(),
  cancelled: z.string().nullable(),
});

/** The engine's state: plain JSON, everything a search needs to resume after `kill -9`. */
export type SearchEngineState = z.infer<typeof SearchEngineStateSchema>;
type TrialRecord = SearchEngineState['trials'][number];
type ResultRecord = TrialRecord['results'][number];

/** One trial as the engine knows it: what was proposed, what each rung measured. */
export interface TrialSummary {
  readonly trialId: string;
  readonly sequence: number;
  readonly choices: Choices;
  readonly spec: ArchitectureSpec;
  readonly requestedRung: number;
  readonly results: readonly (
    | {
        readonly rung: number;
        readonly outcome: 'completed';
        readonly reward: number;
        readonly workerId: string;
        readonly measurement: TrialMeasurement;
      }
    | { readonly rung: number; readonly outcome: 'failed'; readonly reward: number; readonly workerId: string; readonly reason: string }
  )[];
}

/** Why settings cannot start a search, or an empty list. */
export function searchSettingsIssues(settings: SearchEngineSettings): string[] {
  const issues: string[] = [];
  if (typeof settings.searchId !== 'string' || settings.searchId.length === 0) issues.push('searchId must be a non-empty string');
  if (!CONTROLLER_KINDS.includes(settings.controller))
    issues.push(`controller must be one of ${CONTROLLER_KINDS.join(', ')}, got ${JSON.stringify(settings.controller)}`);
  if (!Number.isInteger(settings.seed)) issues.push(`seed must be an integer, got ${settings.seed}`);
  const base = checkSpec(settings.base);
  if (!base.success) issues.push(...base.issues.map((issue) => `base ${issue}`));
  issues.push(...objectiveIssues(settings.objective).map((issue) => `objective.${issue}`));
  const { maxTrials, maxWallSeconds } = settings.budget ?? {};
  if (maxTrials === undefined && maxWallSeconds === undefined) issues.push('budget needs maxTrials or maxWallSeconds (or both)');
  if (maxTrials !== undefined && !(Number.isInteger(maxTrials) && maxTrials >= 1))
    issues.push(`budget.maxTrials must be a positive integer, got ${maxTrials}`);
  if (maxWallSeconds !== undefined && !(Number.isFinite(maxWallSeconds) && maxWallSeconds > 0))
    issues.push(`budget.maxWallSeconds must be a positive number, got ${maxWallSeconds}`);
  issues.push(...rungIssues(settings.rungs ?? [], settings.eta));
  if (!(Number.isInteger(settings.maxInFlight) && settings.maxInFlight >= 1))
    issues.push(`maxInFlight must be a positive integer, got ${settings.maxInFlight}`);
  if (settings.maxGapSeconds !== undefined && !(Number.isFinite(settings.maxGapSeconds) && settings.maxGapSeconds > 0)) {
    issues.push(`maxGapSeconds must be a positive number, got ${settings.maxGapSeconds}`);
  }
  return issues;
}

/** A trial's id from its search and sequence: a UUID (version 8, RFC 9562) built from hashes, so a restored search re-issues the same ids. */
export function trialIdFor(searchId: string, sequence: number): string {
  const text = `${searchId}/${sequence}`;
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hashStringWithSeed(text, 0x5eed0000 + i)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The one object that drives a search: it asks the controller for architectures, turns them into
 * trial requests (rung 0) and successive-halving promotions (higher rungs), keeps at most
 * `maxInFlight` outstanding, records results idempotently, feeds rung-0 rewards back to the
 * controller, and keeps the points, the front and the budget. Pure: time comes in as `nowMs`, and
 * `state()` is plain JSON from which `SearchEngine.restore` continues exactly as the original would.
 */
export class SearchEngine {
  readonly space: SearchSpace;
  private readonly controller: SearchController;
  private readonly trialsById: Map<string, TrialRecord>;

  private constructor(
    readonly settings: SearchEngineSettings,
    private readonly s: SearchEngineState,
    controller: (context: ControllerContext) => SearchController,
  ) {
    this.space = detectorSearchSpace();
    this.controller = controller({ space: this.space, base: settings.base, seed: settings.seed });
    this.trialsById = new Map(s.trials.map((trial) => [trial.trialId, trial]));
  }

  static create(settings: SearchEngineSettings): SearchEngine {
    assertSettings(settings);
    const state: SearchEngineState = {
      format: 'argus.search-engine',
      version: 1,
      searchId: settings.searchId,
      controller: null,
      nextSequence: 0,
      trials: [],
      inFlight: [],
      knownProposals: 0,
      knownInARow: 0,
      elapsedMs: 0,
      lastSeenMs: null,
      cancelled: null,
    };
    return new SearchEngine(settings, state, (context) => createController(settings.controller, context, settings.controllerOptions));
  }

  static restore(settings: SearchEngineSettings, state: unknown): SearchEngine {
    assertSettings(settings);
    const parsed = parseState(SearchEngineStateSchema, structuredClone(state), "a search engine's state (format argus.search-engine v1)");
    if (parsed.searchId !== settings.searchId) {
      throw new SearchError(SearchErrorCodes.invalidState, `the state belongs to search ${parsed.searchId}, not ${settings.searchId}`);
    }
    return new SearchEngine(settings, parsed, (context) => {
      const controller = restoreController(context, parsed.controller);
      if (controller.kind !== settings.controller) {
        throw new SearchError(
          SearchErrorCodes.invalidState,
          `the state holds a ${controller.kind} controller, the settings ask for ${settings.controller}`,
        );
      }
      return controller;
    });
  }

  /**
   * The requests to issue now: successive-halving promotions first, then new architectures while the
   * budget allows, until `maxInFlight` are outstanding. Each is recorded as in flight at once.
   */
  next(nowMs: number): TrialRequest[] {
    this.tick(nowMs);
    const issued: TrialRequest[] = [];
    if (this.s.cancelled !== null) return issued;
    while (this.s.inFlight.length < this.settings.maxInFlight) {
      const promotion = this.nextPromotion();
      if (promotion) {
        issued.push(this.issue(this.trialRecord(promotion.trialId), promotion.fromRung + 1));
        continue;
      }
      if (!this.canPropose()) break;
      issued.push(this.issue(this.proposeTrial(), 0));
    }
    return issued;
  }

  /**
   * Records a trial's result. Idempotent on (trialId, rung): a duplicate, or a result for a trial or
   * rung this search never requested, returns `counted: false` and changes nothing. A completed
   * result is scored with the objective; a failed one scores 0. A rung-0 score goes to the controller.
   * A completed result whose measurement cannot be scored throws `search.invalid-measurement` and
   * changes nothing (for the caller's dead-letter path).
   */
  record(result: TrialResult, nowMs: number): { counted: boolean } {
    this.tick(nowMs);
    if (result.searchId !== this.s.searchId) return { counted: false };
    const at = this.s.inFlight.findIndex((entry) => entry.trialId === result.trialId && entry.rung === result.rung);
    if (at < 0) return { counted: false };
    const trial = this.trialRecord(result.trialId);
    const stored: ResultRecord =
      result.outcome === 'completed'
        ? {
            rung: result.rung,
            outcome: 'completed',
            workerId: result.workerId,
            reward: searchReward(result.measurement.ap, result.measurement.latencyMs, this.settings.objective),
            measurement: { ...result.measurement },
          }
        : { rung: result.rung, outcome: 'failed', workerId: result.workerId, reward: 0, reason: result.reason };
    this.s.inFlight.splice(at, 1);
    trial.results.push(stored);
    if (result.rung === 0) this.controller.observe({ choices: trial.choices, meta: trial.meta }, stored.reward);
    return { counted: true };
  }

  /** What is outstanding (to publish again after a restart), in the order it was issued. */
  inFlight(): TrialRequest[] {
    return this.s.inFlight.map((entry) => this.requestFor(this.trialRecord(entry.trialId), entry.rung));
  }

  /** Stops the search: nothing more is issued, and it is done at once. Results of trials still running are recorded when they arrive. */
  cancel(reason: string): void {
    if (this.s.cancelled === null) this.s.cancelled = reason.trim() === '' ? 'cancelled' : reason;
  }

  /** True once cancelled, or once the budget is spent and every requested evaluation and due promotion has finished. */
  get done(): boolean {
    if (this.s.cancelled !== null) return true;
    if (this.canPropose() || this.s.inFlight.length > 0) return false;
    return this.nextPromotion() === undefined;
  }

  progress(nowMs: number): SearchProgress {
    this.tick(nowMs);
    const points = this.points();
    const best = points.reduce<FrontPoint | null>((a, p) => (a === null || p.reward > a.reward ? p : a), null);
    let completed = 0;
    let failed = 0;
    for (const trial of this.s.trials) {
      const rung0 = trial.results.find((r) => r.rung === 0);
      if (rung0?.outcome === 'completed') completed++;
      else if (rung0?.outcome === 'failed') failed++;
    }
    const hours = this.s.elapsedMs / 3_600_000;
    return {
      requested: this.s.nextSequence,
      completed,
      failed,
      inFlight: this.s.inFlight.length,
      best,
      frontSize: paretoFront(points).length,
      trialsPerHour: hours > 0 ? (completed + failed) / hours : 0,
      elapsedSeconds: this.s.elapsedMs / 1000,
      done: this.done,
      stopReason: this.stopReason(),
    };
  }

  /** Every trial that completed a rung, at the highest rung it completed, in sequence order. */
  points(): FrontPoint[] {
    const points: FrontPoint[] = [];
    for (const trial of this.s.trials) {
      let top: Extract<ResultRecord, { outcome: 'completed' }> | undefined;
      for (const r of trial.results) if (r.outcome === 'completed' && (top === undefined || r.rung > top.rung)) top = r;
      if (top)
        points.push({
          trialId: trial.trialId,
          sequence: trial.sequence,
          rung: top.rung,
          ap: top.measurement.ap,
          latencyMs: top.measurement.latencyMs,
          reward: top.reward,
        });
    }
    return points;
  }

  /** The Pareto front of `points()` (AP up, latency down), fastest first. */
  front(): FrontPoint[] {
    return paretoFront(this.points());
  }

  hypervolume(reference: HypervolumeReference): number {
    return hypervolume(this.points(), reference);
  }

  /** Every trial requested so far, in sequence order. */
  trials(): TrialSummary[] {
    return this.s.trials.map((trial) => this.summary(trial));
  }

  /** One trial (its spec, for full training of a chosen point), or null for an id this search never issued. */
  trial(trialId: string): TrialSummary | null {
    const trial = this.trialsById.get(trialId);
    return trial ? this.summary(trial) : null;
  }

  /** How many proposals of already-measured architectures were answered with their known reward instead of a trial. */
  get knownProposals(): number {
    return this.s.knownProposals;
  }

  state(): SearchEngineState {
    return structuredClone({ ...this.s, controller: this.controller.state() });
  }

  private summary(trial: TrialRecord): TrialSummary {
    return {
      trialId: trial.trialId,
      sequence: trial.sequence,
      choices: [...trial.choices],
      spec: this.space.decodeOrThrow(trial.choices, this.settings.base),
      requestedRung: trial.requestedRung,
      results: structuredClone(trial.results),
    };
  }

  private tick(nowMs: number): void {
    if (!Number.isFinite(nowMs))
      throw new SearchError(SearchErrorCodes.invalidSettings, `the time must be a finite number of milliseconds, got ${nowMs}`);
    const last = this.s.lastSeenMs;
    if (last !== null && nowMs > last) {
      this.s.elapsedMs += Math.min(nowMs - last, (this.settings.maxGapSeconds ?? DEFAULT_MAX_GAP_SECONDS) * 1000);
    }
    // A clock that steps back counts nothing and does not move the mark back.
    this.s.lastSeenMs = last === null ? nowMs : Math.max(last, nowMs);
  }

  private trialsSpent(): boolean {
    const { maxTrials } = this.settings.budget;
    return maxTrials !== undefined && this.s.nextSequence >= maxTrials;
  }

  private wallSpent(): boolean {
    const { maxWallSeconds } = this.settings.budget;
    return maxWallSeconds !== undefined && this.s.elapsedMs >= maxWallSeconds * 1000;
  }

  private canPropose(): boolean {
    return this.s.cancelled === null && !this.trialsSpent() && !this.wallSpent();
  }

  private stopReason(): string | null {
    if (this.s.cancelled !== null) return `cancelled: ${this.s.cancelled}`;
    if (this.wallSpent()) return `wall-time budget spent (${this.settings.budget.maxWallSeconds} s)`;
    if (this.trialsSpent()) return `trial budget spent (${this.settings.budget.maxTrials} trials)`;
    return null;
  }

  /** The next promotion ASHA allows; none once the wall-time budget is spent (a promotion trains longest). */
  private nextPromotion(): Promotion | undefined {
    if (this.s.cancelled !== null || this.wallSpent() || this.settings.rungs.length < 2) return undefined;
    const results: RungResult[] = [];
    const promoted = new Set<string>();
    for (const trial of this.s.trials) {
      for (let r = 0; r < trial.requestedRung; r++) promoted.add(promotionKey(trial.trialId, r));
      for (const result of trial.results) {
        if (result.outcome === 'completed')
          results.push({ trialId: trial.trialId, sequence: trial.sequence, rung: result.rung, reward: result.reward });
      }
    }
    return ashaPromotions(results, promoted, this.settings.rungs.length, this.settings.eta)[0];
  }

  /** A new trial from the controller; an architecture measured already is answered from its known reward instead. */
  private proposeTrial(): TrialRecord {
    const known = new Map<string, number>();
    for (const trial of this.s.trials) {
      const rung0 = trial.results.find((r) => r.rung === 0 && r.outcome === 'completed');
      if (rung0 && !known.has(trial.key)) known.set(trial.key, rung0.reward);
    }
    for (;;) {
      const proposal: Proposal = this.controller.propose();
      const key = this.space.networkKey(proposal.choices, this.settings.base);
      const reward = known.get(key);
      if (reward !== undefined && this.s.knownInARow < MAX_KNOWN_PROPOSALS_IN_A_ROW) {
        this.s.knownInARow++;
        this.s.knownProposals++;
        this.controller.observe(proposal, reward);
        continue;
      }
      this.s.knownInARow = 0;
      const sequence = this.s.nextSequence++;
      const trial: TrialRecord = {
        trialId: trialIdFor(this.s.searchId, sequence),
        sequence,
        choices: [...proposal.choices],
        meta: proposal.meta,
        key,
        requestedRung: 0,
        results: [],
      };
      this.s.trials.push(trial);
      this.trialsById.set(trial.trialId, trial);
      return trial;
    }
  }

  private issue(trial: TrialRecord, rung: number): TrialRequest {
    trial.requestedRung = Math.max(trial.requestedRung, rung);
    this.s.inFlight.push({ trialId: trial.trialId, rung });
    return this.requestFor(trial, rung);
  }

  private requestFor(trial: TrialRecord, rung: number): TrialRequest {
    const budget = this.settings.rungs[rung];
    if (!budget)
      throw new SearchError(
        SearchErrorCodes.invalidState,
        `trial ${trial.trialId} is at rung ${rung}, the search has ${this.settings.rungs.length} rungs`,
      );
    return {
      searchId: this.s.searchId,
      trialId: trial.trialId,
      sequence: trial.sequence,
      controller: this.settings.controller,
      rung,
      budget: { ...budget },
      choices: [...trial.choices],
      spec: this.space.decodeOrThrow(trial.choices, this.settings.base),
      seed: hashStringWithSeed(trial.trialId, this.settings.seed),
    };
  }

  private trialRecord(trialId: string): TrialRecord {
    const trial = this.trialsById.get(trialId);
    if (!trial) throw new SearchError(SearchErrorCodes.invalidState, `the search's state has no trial ${trialId}`);
    return trial;
  }
}

function assertSettings(settings: SearchEngineSettings): void {
  const issues = searchSettingsIssues(settings);
  if (issues.length > 0)
    throw new SearchError(SearchErrorCodes.invalidSettings, `invalid search settings: ${issues.join('; ')}`, { issues });
}
