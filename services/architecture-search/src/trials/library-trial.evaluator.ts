import * as path from 'node:path';
import { evaluateTrial, prepareSearchData, type SearchData, type TrialMeasurement, type TrialRequest } from '@argus/search';
import { parseTrainingDataSource, type TrainingDataSource } from '@argus/vision';
import type { TrialData, TrialEvaluator } from './trial-worker.ports';

export interface LibraryTrialEvaluatorOptions {
  /** Relative data-source paths are read from here. */
  readonly dataRoot: string;
  /** Scenes and their side for `synthetic:` sources. */
  readonly syntheticScenes: number;
  readonly syntheticSize: number;
  /** Seconds each trial's model is timed for. */
  readonly latencySeconds: number;
  readonly log?: (line: string) => void;
}

/**
 * @argus/search's evaluator (`evaluateTrial`) on the search data of the trial's source, prepared
 * once per source and kept: every trial of a search reads the same split and the same decoded
 * images, and decoding is a large part of a cheap trial. The model is timed alone ('measured'):
 * the service has no quiet reference figure to pair a busy worker's timing with.
 */
export class LibraryTrialEvaluator implements TrialEvaluator {
  private readonly data = new Map<string, Promise<SearchData>>();

  constructor(private readonly options: LibraryTrialEvaluatorOptions) {}

  async evaluate(request: TrialRequest, trial: TrialData, hooks: { readonly shouldStop: () => boolean }): Promise<TrialMeasurement> {
    const data = await this.searchData(trial.dataSource);
    return evaluateTrial(request, {
      data,
      objective: trial.objective,
      latencyTiming: { minSeconds: this.options.latencySeconds },
      shouldStop: hooks.shouldStop,
      ...(this.options.log ? { log: this.options.log } : {}),
    });
  }

  private searchData(dataSource: string): Promise<SearchData> {
    let prepared = this.data.get(dataSource);
    if (!prepared) {
      const source = this.resolve(parseTrainingDataSource(dataSource));
      prepared = prepareSearchData({
        source,
        syntheticCount: this.options.syntheticScenes,
        syntheticValidationCount: Math.max(2, Math.round(this.options.syntheticScenes / 5)),
        syntheticSize: this.options.syntheticSize,
      });
      // A source that failed to load is tried again by the next trial (it may be mounted by then).
      prepared.catch(() => this.data.delete(dataSource));
      this.data.set(dataSource, prepared);
    }
    return prepared;
  }

  private resolve(source: TrainingDataSource): TrainingDataSource {
    if (source.kind === 'synthetic') return source;
    return { ...source, path: path.resolve(this.options.dataRoot, source.path) };
  }
}
