import type {
  FrontPoint,
  SearchProgress,
  SearchEngineSettings as LibrarySearchEngineSettings,
  TrialRequest,
  TrialResult,
} from '@argus/search';

/** What a search engine is built from: the library's settings, one definition. */
export type SearchEngineSettings = LibrarySearchEngineSettings;

/**
 * One search's engine, as the controller drives it: the controller restores it from Postgres for
 * every step, so nothing of a search lives only in this process's memory.
 */
export interface SearchEngineHandle {
  /** The requests to issue now (at most maxInFlight outstanding), recorded as in flight. */
  next(nowMs: number): TrialRequest[];
  /** Idempotent on (trialId, rung): a duplicate or an unrequested result is not counted and changes nothing. */
  record(result: TrialResult, nowMs: number): { readonly counted: boolean };
  /** The requests still outstanding (re-published after a restart). */
  inFlight(): TrialRequest[];
  cancel(reason: string): void;
  /** True once it proposes nothing more (budget spent, cancelled); trials in flight may still answer. */
  isDone(): boolean;
  progress(nowMs: number): SearchProgress;
  points(): FrontPoint[];
  front(): FrontPoint[];
  /** Everything needed to resume, as JSON. */
  state(): unknown;
}

export interface SearchEngineFactory {
  create(settings: SearchEngineSettings): SearchEngineHandle;
  restore(settings: SearchEngineSettings, state: unknown): SearchEngineHandle;
}
