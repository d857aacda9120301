import type { SearchTrainingRequestedV1 } from '@argus/contracts';
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

/** Stores a package in the object store and registers its version (idempotent on name and version). */
export interface CandidatePackagePublisher {
  publish(packageDir: string): Promise<RegisteredCandidate>;
}
