import type { InferenceLatency, ModelVersion, ModelVersionDetails } from '@argus/persistence';
import { evaluationDataOf, type EvaluationDataView } from './evaluation-comparability';
import type { TrainingRecordView } from './training-record.reader';

/** A version in the model list (the contract's `ModelSummary`). */
export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly backend: string;
  readonly classes: readonly string[];
  readonly usesTemplate: boolean;
  readonly createdAt: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly parentVersionId: string | null;
  /** The lines it is in production on. */
  readonly productionOn: string[];
}

export interface ClassEvaluationView {
  readonly className: string;
  readonly ap50: number | null;
  readonly ap: number | null;
  readonly curve50: { readonly recall: readonly number[]; readonly precision: readonly number[] } | null;
}

export interface EvaluationView {
  /** What the evaluation scored: source, split, image count and what identifies the images. */
  readonly data: EvaluationDataView;
  readonly imageCount: number;
  readonly map50: number;
  readonly map: number;
  readonly perClass: readonly ClassEvaluationView[];
  /** Measured in the pipeline (frame_inference), null before the version scored any frame. */
  readonly latencyMs: { readonly p50: number; readonly p95: number } | null;
}

/** One version with lineage and evaluation (the contract's `ModelDetail`). */
export interface ModelDetail extends ModelSummary {
  readonly spec: Readonly<Record<string, unknown>>;
  readonly trainingDataFingerprint: string | null;
  readonly lineage: {
    readonly parent: { readonly id: string; readonly name: string; readonly version: string } | null;
    readonly trainingData: { readonly source: string; readonly fingerprint: string; readonly split: string; readonly trainedOn?: string } | null;
  };
  readonly evaluation: EvaluationView | null;
  /**
   * How it was trained (command, hyperparameters, epochs), from its package's metadata; null when
   * the package records none or was not read (the comparison does not read it).
   */
  readonly training: TrainingRecordView | null;
}

export function toModelSummary(v: ModelVersion, productionOn: readonly string[]): ModelSummary {
  return {
    id: v.id,
    name: v.name,
    version: v.version,
    backend: v.backend,
    classes: v.classes,
    usesTemplate: v.usesTemplate,
    createdAt: v.createdAt.toISOString(),
    metrics: v.metrics,
    parentVersionId: v.parentVersionId,
    productionOn: [...productionOn],
  };
}

export function toModelDetail(
  v: ModelVersionDetails,
  extra: { productionOn: readonly string[]; parent: ModelVersion | null; latency: InferenceLatency | null; training?: TrainingRecordView | null },
): ModelDetail {
  const trainingData =
    v.trainingData ?? (v.trainingDataFingerprint ? { source: 'unknown', fingerprint: v.trainingDataFingerprint, split: 'unknown' } : null);
  return {
    ...toModelSummary(v, extra.productionOn),
    spec: v.spec,
    trainingDataFingerprint: v.trainingDataFingerprint,
    lineage: {
      parent: extra.parent ? { id: extra.parent.id, name: extra.parent.name, version: extra.parent.version } : null,
      trainingData,
    },
    evaluation: v.evaluation
      ? {
          data: evaluationDataOf(v.evaluation, v.trainingData),
          imageCount: v.evaluation.imageCount,
          map50: v.evaluation.map50,
          map: v.evaluation.map,
          perClass: v.evaluation.perClass,
          latencyMs: extra.latency ? { p50: extra.latency.p50, p95: extra.latency.p95 } : null,
        }
      : null,
    training: extra.training ?? null,
  };
}
