import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SearchEngine, type SearchEngineSettings, type SearchEngineState } from '../engine/search.engine';
import type { SearchProgress, TrialRequest, TrialResult } from '../search.types';

/** Runs one trial somewhere (the local process pool, or in-process in tests). */
export interface TrialRunner {
  run(request: TrialRequest): Promise<TrialResult>;
}

export interface LocalSearchOptions {
  readonly settings: SearchEngineSettings;
  /** The engine's state after every result (written atomically): the search resumes from it. */
  readonly stateFile: string;
  readonly trials: TrialRunner;
  readonly onProgress?: (progress: SearchProgress) => void;
  readonly onResult?: (result: TrialResult, counted: boolean) => void;
  /** How often `onProgress` is called while trials run (default 30 s), besides after every result. */
  readonly progressEveryMs?: number;
  /** Asked between results: true stops issuing trials; the ones running finish and are recorded. */
  readonly shouldStop?: () => boolean;
  readonly now?: () => number;
}

interface StateFile {
  readonly format: 'argus.search-state';
  readonly version: 1;
  readonly settings: SearchEngineSettings;
  readonly state: SearchEngineState;
}

/**
 * A search on one machine, without Kafka or Postgres: what `argus search` and `npm run bench:nas`
 * run. The engine decides, the trial runner trains and times; the engine's state goes to a file
 * after every result, so a search killed at any point resumes from its last result: the trials
 * that were running are issued again (same ids) and counted once.
 */
export async function runLocalSearch(options: LocalSearchOptions): Promise<SearchEngine> {
  const now = options.now ?? Date.now;
  const engine = await openEngine(options);
  const running = new Map<string, Promise<{ request: TrialRequest; result: TrialResult }>>();
  const keyOf = (r: { trialId: string; rung: number }) => `${r.trialId}@${r.rung}`;
  const start = (request: TrialRequest) => {
    const key = keyOf(request);
    if (running.has(key)) return;
    running.set(
      key,
      options.trials.run(request).then((result) => ({ request, result })),
    );
  };
  for (const request of engine.inFlight()) start(request);
  const stopped = () => options.shouldStop?.() === true;
  if (!stopped()) for (const request of engine.next(now())) start(request);

  const every = options.progressEveryMs ?? 30_000;
  const ticker = options.onProgress ? setInterval(() => options.onProgress?.(engine.progress(now())), every) : undefined;
  ticker?.unref();
  try {
    while (running.size > 0) {
      const { request, result } = await Promise.race(running.values());
      running.delete(keyOf(request));
      const { counted } = engine.record(result, now());
      await saveState(options.stateFile, options.settings, engine.state());
      options.onResult?.(result, counted);
      options.onProgress?.(engine.progress(now()));
      if (!stopped()) for (const next of engine.next(now())) start(next);
    }
  } finally {
    if (ticker) clearInterval(ticker);
  }
  return engine;
}

async function openEngine(options: LocalSearchOptions): Promise<SearchEngine> {
  if (!existsSync(options.stateFile)) {
    const engine = SearchEngine.create(options.settings);
    await saveState(options.stateFile, options.settings, engine.state());
    return engine;
  }
  const saved = JSON.parse(await readFile(options.stateFile, 'utf8')) as Partial<StateFile>;
  if (saved.format !== 'argus.search-state' || saved.version !== 1 || saved.state === undefined) {
    throw new Error(`${options.stateFile} is not an Argus search state (format argus.search-state v1)`);
  }
  if (JSON.stringify(saved.settings) !== JSON.stringify(options.settings)) {
    throw new Error(
      `${options.stateFile} holds a search with other settings; resume it with the same options, or start a new one in another folder`,
    );
  }
  return SearchEngine.restore(options.settings, saved.state);
}

async function saveState(file: string, settings: SearchEngineSettings, state: SearchEngineState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const body: StateFile = { format: 'argus.search-state', version: 1, settings, state };
  const tmp = `${file}.tmp`;
  await writeFile(tmp, `${JSON.stringify(body)}\n`);
  await rename(tmp, file);
}
