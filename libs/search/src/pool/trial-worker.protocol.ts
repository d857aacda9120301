import type { ArchitectureSpec, TrainerConfig } from '@argus/vision';
import type { TrialMeasurement, TrialRequest } from '../search.types';
import type { SearchDataOptions } from '../trial/search-data';
import type { ServingSettings } from '../trial/serving-latency.meter';

/** What a trial worker process is started with: enough to prepare the search data once. */
export interface TrialWorkerSetup {
  readonly workerId: string;
  /** `deeppcb:PATH`, `synthetic:pcb`… (as `argus train --data` spells it). */
  readonly data: string;
  readonly dataOptions?: Omit<SearchDataOptions, 'source'>;
  readonly objective: ServingSettings;
  /** The paired-ratio reference: rebuilt in the worker from its spec and seed (weights do not change latency). */
  readonly reference?: { readonly spec: ArchitectureSpec; readonly seed: number; readonly quietMs: number };
  readonly trainer?: Partial<TrainerConfig>;
  readonly latencyTiming?: { readonly rounds?: number; readonly minSeconds?: number };
}

export type PoolToWorkerMessage =
  { readonly type: 'setup'; readonly setup: TrialWorkerSetup } | { readonly type: 'run'; readonly request: TrialRequest };

export type WorkerToPoolMessage =
  | { readonly type: 'ready'; readonly backend: string; readonly nice: number; readonly data: string }
  | { readonly type: 'setup-failed'; readonly reason: string }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'completed'; readonly trialId: string; readonly rung: number; readonly measurement: TrialMeasurement }
  | { readonly type: 'failed'; readonly trialId: string; readonly rung: number; readonly reason: string };
