import type { SearchTrainingRequestedV1 } from '@argus/contracts';
import type { ModelVersion } from '@argus/persistence';
import type { GateReport, RetentionAndLatencyInput } from '@argus/registry';
import type { ArchitectureSpec } from '@argus/vision';

/** A request whose spec was checked: what the trainer trains. */
export interface FullTrainingJob {
  readonly request: SearchTrainingRequestedV1;
  readonly spec: ArchitectureSpec;
  readonly epochs: number;
  /** The package's name and version: one per request, so a redelivery registers the same version. */
  readonly name: string;
  readonly version: string;
}

export interface TrainedPackage {
  /** Local folder of the model package (metadata, weights, ONNX, evaluation, training log). */
  readonly packageDir: string;
}

/**
 * Trains a spec fully into a model package in `runDir` (resuming a checkpoint found there). When
 * `shouldStop` turns true it stops at the next step, keeps its checkpoint and throws
 * FullTrainingInterruptedError instead of handing over a half-trained package (the pipeline still
 * writes one into the run folder as it ends; it is never registered, and a resumed run rewrites it).
 */
export interface SpecTrainer {
  train(job: FullTrainingJob, runDir: string, log: (line: string) => void, shouldStop: () => boolean): Promise<TrainedPackage>;
}

/** The candidate as the registry stored it: what model.version.registered.v1 announces. */
export interface RegisteredCandidate {
  readonly modelVersionId: string;
  readonly name: string;
  readonly version: string;
  readonly artifactKey: string;
  readonly classes: readonly string[];
  readonly usesTemplate: boolean;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The line's production model a candidate is gated against. */
export type ProductionModelRef = Pick<ModelVersion, 'id' | 'name' | 'version' | 'artifactKey'>;

/**
 * Measures what the gates judge: the candidate and the line's production model scored alike (AP
 * per class) on the validation frames of the request's data source, as the training split them,
 * and timed alike (paired rounds, as served). The rules that judge the figures are
 * @argus/registry's; the use case applies them.
 */
export interface CandidateMeasurer {
  measure(
    job: FullTrainingJob,
    trained: TrainedPackage,
    production: ProductionModelRef,
    log: (line: string) => void,
  ): Promise<RetentionAndLatencyInput>;
}

/**
 * Stores a package in the object store with its gate report beside it (`gate-report.json`) and
 * registers its version with the gates' figures among its metrics (idempotent on name and version).
 */
export interface CandidatePackagePublisher {
  publish(packageDir: string, gates: GateReport): Promise<RegisteredCandidate>;
}
