import { SearchEngine, type SearchEngineSettings as LibrarySettings } from '@argus/search';
import type { SearchEngineFactory, SearchEngineHandle, SearchEngineSettings } from './search-engine.port';

/** The controller's engines: @argus/search's SearchEngine, created from a request or restored from its stored state. */
export class LibrarySearchEngineFactory implements SearchEngineFactory {
  create(settings: SearchEngineSettings): SearchEngineHandle {
    return handleOf(SearchEngine.create(librarySettings(settings)));
  }

  restore(settings: SearchEngineSettings, state: unknown): SearchEngineHandle {
    return handleOf(SearchEngine.restore(librarySettings(settings), state));
  }
}

function librarySettings(settings: SearchEngineSettings): LibrarySettings {
  return { ...settings, rungs: [...settings.rungs] };
}

function handleOf(engine: SearchEngine): SearchEngineHandle {
  return {
    next: (nowMs) => engine.next(nowMs),
    record: (result, nowMs) => engine.record(result, nowMs),
    inFlight: () => engine.inFlight(),
    cancel: (reason) => engine.cancel(reason),
    isDone: () => engine.done,
    progress: (nowMs) => engine.progress(nowMs),
    points: () => engine.points(),
    front: () => engine.front(),
    state: () => engine.state(),
  };
}
