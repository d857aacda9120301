import type { ArchitectureSpec } from '@argus/vision';

/**
 * The vocabulary every part of architecture search shares: the controllers and the engine
 * (this library), the trial workers (this library's evaluator, run by the architecture-search
 * service over Kafka or by a local process pool for `argus search` and `npm run bench:nas`),
 * and the records in Postgres. All of it is plain JSON so that a search can be stored, sent
 * as an event and resumed after `kill -9`.
 */

export const CONTROLLER_KINDS = ['ppo', 'evolution', 'random'] as const;
export type ControllerKind = (typeof CONTROLLER_KINDS)[number];

/** One architecture of the space: the index of the chosen option for each decision, in the space's order. */
export type Choices = readonly number[];

/** What a trial trains at one rung of successive halving (rung 0 is the cheapest). */
export interface ProxyBudget {
  readonly rung: number;
  readonly epochs: number;
  /** Images drawn (seeded, the same for every trial) from the search's training part. */
  readonly trainImages: number;
  readonly cropsPerImage: number;
}

/** The accuracy/latency objective: MnasNet's reward `AP × (latency / targetMs)^w`. */
export interface SearchObjective {
  readonly targetMs: number;
  /** Exponent while latency ≤ target (MnasNet's α; 0 makes the target a hard ceiling). */
  readonly alpha: number;
  /** Exponent while latency > target (MnasNet's β; negative). */
  readonly beta: number;
  /** How latency is served when measured: as `argus detect` serves (batch, ONNX Runtime threads). */
  readonly servingBatch: number;
  readonly servingThreads: number;
}

export interface SearchBudget {
  /** Stop proposing once this many trials (rung-0 evaluations) were requested. */
  readonly maxTrials?: number;
  /** Stop proposing once the search has been running this long (time while stopped does not count). */
  readonly maxWallSeconds?: number;
}

/** What one trial measured at one rung. */
export interface TrialMeasurement {
  /** AP on the search's validation part (DeepPCB's metric for PCB data, else COCO mAP@0.5). */
  readonly ap: number;
  /** Milliseconds per image as served (`SearchObjective.servingBatch`/`servingThreads`). */
  readonly latencyMs: number;
  /**
   * `measured`: timed alone; `paired-ratio`: timed in alternating rounds against a reference
   * model on the same (possibly busy) machine, and scaled by the reference's quiet latency.
   */
  readonly latencySource: 'measured' | 'paired-ratio';
  readonly params: number;
  readonly macs: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
}

/** `search.trial.requested.v1`'s payload, and what a worker needs to run the trial. */
export interface TrialRequest {
  readonly searchId: string;
  /** Stable across rungs: a promoted trial keeps its id. */
  readonly trialId: string;
  /** 0, 1, 2… in the order the controller proposed the architectures. */
  readonly sequence: number;
  readonly controller: ControllerKind;
  readonly rung: number;
  readonly budget: ProxyBudget;
  readonly choices: Choices;
  readonly spec: ArchitectureSpec;
  readonly seed: number;
}

export type TrialResult =
  | {
      readonly searchId: string;
      readonly trialId: string;
      readonly rung: number;
      readonly workerId: string;
      readonly outcome: 'completed';
      readonly measurement: TrialMeasurement;
    }
  | {
      readonly searchId: string;
      readonly trialId: string;
      readonly rung: number;
      readonly workerId: string;
      readonly outcome: 'failed';
      readonly reason: string;
    };

/** A point of a search's result: a trial at the highest rung it reached. */
export interface FrontPoint {
  readonly trialId: string;
  readonly sequence: number;
  readonly rung: number;
  readonly ap: number;
  readonly latencyMs: number;
  readonly reward: number;
}

/** Live progress, for the console, the CLI's progress line and `search.progress.v1`. */
export interface SearchProgress {
  readonly requested: number;
  readonly completed: number;
  readonly failed: number;
  readonly inFlight: number;
  readonly best: FrontPoint | null;
  readonly frontSize: number;
  readonly trialsPerHour: number;
  readonly elapsedSeconds: number;
  readonly done: boolean;
  /** Why the search stopped proposing (budget spent, cancelled), null while it runs. */
  readonly stopReason: string | null;
}
