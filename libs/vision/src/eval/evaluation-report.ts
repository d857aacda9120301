import { evaluateCoco, type CocoEvaluation } from './coco-evaluator';
import { evaluateDeepPcbBenchmark, type DeepPcbBenchmarkResult } from './deeppcb-benchmark';
import type { EvaluationImage } from './evaluation-image';
import type { PlotCurve } from './pr-curve.plot';
import { evaluateAtThreshold, findBestF1Threshold, type ThresholdMetrics } from './threshold-metrics';

export interface EvaluationReportOptions {
  readonly classes: readonly string[];
  /** The score threshold the model will be deployed with. */
  readonly deploymentThreshold: number;
  /** Also score with the DeepPCB benchmark's metric (at the deployment threshold and at 0). */
  readonly deepPcbBenchmark?: boolean;
}

/** Everything `argus eval` reports about a detector on a labelled set, JSON-serialisable. */
export interface EvaluationReport {
  readonly imageCount: number;
  readonly coco: CocoEvaluation;
  readonly atDeploymentThreshold: ThresholdMetrics;
  /** The threshold with the best F1 at IoU 0.5, for choosing a deployment threshold. */
  readonly bestF1: ThresholdMetrics;
  readonly deepPcb?: {
    /** All detections written: the benchmark's AP. */
    readonly allDetections: DeepPcbBenchmarkResult;
    /** Only detections at or above the deployment threshold: the benchmark's F-score as deployed. */
    readonly atDeploymentThreshold: DeepPcbBenchmarkResult;
  };
}

export function buildEvaluationReport(images: readonly EvaluationImage[], options: EvaluationReportOptions): EvaluationReport {
  const coco = evaluateCoco(images, { classes: options.classes });
  return {
    imageCount: images.length,
    coco,
    atDeploymentThreshold: evaluateAtThreshold(images, { classes: options.classes, scoreThreshold: options.deploymentThreshold }),
    bestF1: findBestF1Threshold(images, { classes: options.classes }),
    ...(options.deepPcbBenchmark
      ? {
          deepPcb: {
            allDetections: evaluateDeepPcbBenchmark(images),
            atDeploymentThreshold: evaluateDeepPcbBenchmark(images, { scoreThreshold: options.deploymentThreshold }),
          },
        }
      : {}),
  };
}

/**
 * The IoU-0.5 PR curve of every class with ground truth, labelled with its AP, ready to plot.
 * A curve ends at the recall the detector reached (COCO's zeros beyond it are not drawn).
 */
export function prCurvesForPlot(coco: CocoEvaluation): PlotCurve[] {
  return coco.perClass.flatMap((c) => {
    if (!c.curve50 || c.ap50 === null) return [];
    const reached = c.maxRecall50 ?? 0;
    const keep = c.curve50.recall.map((r, i) => i).filter((i) => (c.curve50?.recall[i] as number) <= reached + 1e-12);
    return [
      {
        label: `${c.className} (AP50 ${c.ap50.toFixed(3)})`,
        recall: keep.map((i) => c.curve50?.recall[i] as number),
        precision: keep.map((i) => c.curve50?.precision[i] as number),
      },
    ];
  });
}
