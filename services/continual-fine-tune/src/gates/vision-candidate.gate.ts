import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { TrainingJobRequestedV1 } from '@argus/contracts';
import {
  classApsOf,
  type ClassAps,
  DEFAULT_FIRST_MODEL_GATE_POLICY,
  evaluateFirstModelGates,
  evaluateGates,
  type EvaluationPair,
  type FirstModelGatePolicy,
  GATE_REPORT_FILE,
  type GatePolicy,
  type GateReport,
} from '@argus/registry';
import type { ObjectStore } from '@argus/storage';
import {
  comparePackageServingLatency,
  DetectorRunner,
  evaluateModel,
  folderPackageFiles,
  type LabelledSample,
  loadModelPackage,
  loadRecordedTrainingData,
  type ModelPackage,
  objectStorePackageFiles,
} from '@argus/vision';
import { loadAdaptationDataset, loadJobDataset, objectBytesReader } from '../jobs/job-dataset.loader';
import type { CandidateGate, TrainedCandidate } from '../jobs/training-job.ports';

export interface VisionCandidateGateSettings {
  readonly policy: GatePolicy;
  /** An adaptation's gates (a new line's first model: no production model to compare with); default DEFAULT_FIRST_MODEL_GATE_POLICY. */
  readonly firstModelPolicy?: FirstModelGatePolicy;
  /** The share of training frames the trainer validated on (the holdout is what is left out of both). */
  readonly validationShare: number;
  /** At most this many of the parent's validation frames are scored for forgetting. */
  readonly parentValidationLimit: number;
  /** Frames per batch and ONNX Runtime threads of the latency measurement: as detection-inference serves. */
  readonly servingBatch: number;
  readonly servingThreads: number;
  /** Timed rounds, each a pass of both models back to back (alternating which goes first); the median ratio counts. */
  readonly latencyRounds: number;
}

/**
 * Scores production and candidate the same way (ONNX Runtime, as served) on the line's frozen
 * holdout and on the parent's validation data, times both in this process one after the other,
 * and decides the gates. The candidate's holdout report is written into its package as
 * `evaluation.json` (what `argus eval --report` writes) beside `gate-report.json`.
 */
export class VisionCandidateGate implements CandidateGate {
  constructor(
    private readonly store: ObjectStore,
    private readonly settings: VisionCandidateGateSettings,
  ) {}

  async evaluate(job: TrainingJobRequestedV1, candidate: TrainedCandidate): Promise<GateReport> {
    if (job.adaptation) return this.evaluateAdaptation(job, candidate);
    const production = await loadModelPackage(objectStorePackageFiles(this.store, job.baseArtifactKey));
    const trained = await loadModelPackage(folderPackageFiles(candidate.packageDir));
    const { holdout, train, validation } = await loadJobDataset(this.store, job, this.settings.validationShare);
    const parentValidation = await this.parentValidation(production);
    const objects = objectBytesReader(this.store);

    const onHoldout = await this.scoreBoth(production, trained, holdout, objects);
    const retention: EvaluationPair[] = [{ name: `line holdout (${holdout.length} frames)`, ...onHoldout.aps }];
    if (parentValidation) {
      const onParent = await this.scoreBoth(production, trained, parentValidation.samples, objects);
      retention.push({
        name: `parent validation (${parentValidation.samples.length} frames of ${parentValidation.source})`,
        ...onParent.aps,
      });
    }
    const classesWithTruth = [...new Set(holdout.flatMap((s) => s.boxes.map((b) => b.className)))];
    const report = evaluateGates(
      {
        productionClasses: production.metadata.spec.classes,
        retention,
        newData: {
          frames: holdout.filter((s) => s.boxes.length > 0).length,
          productionAp: meanAp(onHoldout.aps.production, classesWithTruth),
          candidateAp: meanAp(onHoldout.aps.candidate, classesWithTruth),
        },
        // Any stored frames of the line time the models alike; the holdout first, as it is scored anyway.
        latencyMs: await this.latency(
          production,
          trained,
          firstNonEmpty(holdout, [...train, ...validation], parentValidation?.samples ?? []),
          objects,
        ),
      },
      this.settings.policy,
    );
    // The console's evaluation of a version needs AP figures: a holdout without a labelled defect has none.
    if (classesWithTruth.length > 0 && Number.isFinite(onHoldout.candidateReport.coco.map50)) {
      await writeFile(
        path.join(candidate.packageDir, 'evaluation.json'),
        JSON.stringify(
          {
            model: { name: trained.metadata.name, version: trained.metadata.version },
            data: `dataset:${job.lineId}@${job.datasetFingerprint}`,
            split: 'holdout',
            fingerprint: job.datasetFingerprint,
            report: onHoldout.candidateReport,
          },
          null,
          1,
        ),
      );
    }
    await writeFile(path.join(candidate.packageDir, GATE_REPORT_FILE), JSON.stringify(report, null, 1));
    return report;
  }

  /**
   * An adaptation is a new line's first model: it is scored as served (ONNX Runtime) on the
   * version's frames that did not train it, and judged by the first-model gates (evaluateFirstModelGates).
   * The adaptation pipeline wrote `evaluation.json` (TF.js, the same frames); the served score is the gate's.
   */
  private async evaluateAdaptation(job: TrainingJobRequestedV1, candidate: TrainedCandidate): Promise<GateReport> {
    const trained = await loadModelPackage(folderPackageFiles(candidate.packageDir));
    const { evaluation } = await loadAdaptationDataset(this.store, job);
    const withTruth = evaluation.filter((s) => s.boxes.length > 0);
    let candidateAp = Number.NaN;
    if (withTruth.length > 0) {
      const runner = await DetectorRunner.open(trained, { threads: this.settings.servingThreads });
      try {
        const { report } = await evaluateModel(runner, evaluation, {
          objects: objectBytesReader(this.store),
          batchSize: this.settings.servingBatch,
        });
        candidateAp = report.coco.map50;
      } finally {
        await runner.dispose();
      }
    }
    const report = evaluateFirstModelGates(
      { evaluationFrames: withTruth.length, candidateAp, onnxMaxAbsDiff: trained.metadata.onnx?.maxAbsDiff ?? null },
      this.settings.firstModelPolicy ?? DEFAULT_FIRST_MODEL_GATE_POLICY,
    );
    await writeFile(path.join(candidate.packageDir, GATE_REPORT_FILE), JSON.stringify(report, null, 1));
    return report;
  }

  private async parentValidation(production: ModelPackage): Promise<{ source: string; samples: LabelledSample[] } | null> {
    try {
      const recorded = await loadRecordedTrainingData(production);
      if (!recorded) return null;
      return { source: recorded.source, samples: recorded.validation.slice(0, this.settings.parentValidationLimit) };
    } catch {
      // The parent's data is not on this worker: the line's holdout is then the only guard against
      // forgetting, and the gate report says which sets were checked.
      return null;
    }
  }

  private async scoreBoth(
    production: ModelPackage,
    candidate: ModelPackage,
    samples: readonly LabelledSample[],
    objects: ReturnType<typeof objectBytesReader>,
  ) {
    const score = async (pkg: ModelPackage) => {
      const runner = await DetectorRunner.open(pkg, { threads: this.settings.servingThreads });
      try {
        return await evaluateModel(runner, samples, { objects, batchSize: this.settings.servingBatch });
      } finally {
        await runner.dispose();
      }
    };
    const prod = await score(production);
    const cand = await score(candidate);
    return {
      aps: {
        production: classApsOf(prod.report.coco.perClass),
        candidate: classApsOf(cand.report.coco.perClass),
        instances: Object.fromEntries(prod.report.coco.perClass.map((c) => [c.className, c.groundTruthCount])),
      },
      candidateReport: cand.report,
    };
  }

  private latency(
    production: ModelPackage,
    candidate: ModelPackage,
    samples: readonly LabelledSample[],
    objects: ReturnType<typeof objectBytesReader>,
  ) {
    return comparePackageServingLatency(production, candidate, samples, {
      threads: this.settings.servingThreads,
      batchSize: this.settings.servingBatch,
      rounds: this.settings.latencyRounds,
      objects,
    });
  }
}

function firstNonEmpty<T>(...lists: readonly (readonly T[])[]): readonly T[] {
  return lists.find((l) => l.length > 0) ?? [];
}

/** Mean AP over the classes with ground truth; a class the model does not detect counts as 0. */
function meanAp(aps: ClassAps, classes: readonly string[]): number {
  if (classes.length === 0) return 0;
  return classes.reduce((sum, c) => sum + (aps[c] ?? 0), 0) / classes.length;
}
