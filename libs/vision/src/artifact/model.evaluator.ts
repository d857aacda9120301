import { readImageRef, type ObjectBytesReader } from '../data/image-ref.reader';
import type { LabelledSample } from '../data/sample';
import { DEEPPCB_CLASSES } from '../data/sample';
import type { EvaluationImage } from '../eval/evaluation-image';
import { buildEvaluationReport, type EvaluationReport } from '../eval/evaluation-report';
import type { DetectorRunner } from './detector.runner';

export interface ModelEvaluation {
  readonly report: EvaluationReport;
  readonly images: readonly EvaluationImage[];
  /** Samples that could not be read or decoded, with why. */
  readonly failures: readonly { readonly id: string; readonly reason: string }[];
  /** Images per second of the whole path (read, decode, model, post-processing). */
  readonly imagesPerSecond: number;
}

/**
 * Evaluates a model the way it is served: every sample through the DetectorRunner (decode,
 * letterbox, runtime, decoding, NMS, original pixels), then the evaluators (COCO mAP, P/R/F1 at the
 * deployment threshold, and the DeepPCB benchmark when the classes are DeepPCB's).
 */
export async function evaluateModel(
  runner: DetectorRunner,
  samples: readonly LabelledSample[],
  options: { batchSize?: number; deploymentThreshold?: number; objects?: ObjectBytesReader } = {},
): Promise<ModelEvaluation> {
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const withTemplate = runner.metadata.template.required;
  const classes = runner.metadata.classes;
  const images: EvaluationImage[] = [];
  const failures: { id: string; reason: string }[] = [];
  const started = process.hrtime.bigint();
  for (let start = 0; start < samples.length; start += batchSize) {
    const chunk = samples.slice(start, start + batchSize);
    const inputs = await Promise.all(
      chunk.map(async (s) => {
        try {
          const [image, template] = await Promise.all([
            readImageRef(s.image, options.objects),
            withTemplate && s.template ? readImageRef(s.template, options.objects) : undefined,
          ]);
          return { image, ...(template ? { template } : {}), label: s.id };
        } catch (error) {
          failures.push({ id: s.id, reason: error instanceof Error ? error.message : String(error) });
          return undefined;
        }
      }),
    );
    const readable = chunk.filter((_s, i) => inputs[i] !== undefined);
    const result = await runner.detect(inputs.filter((x): x is NonNullable<typeof x> => x !== undefined));
    const failed = new Map(result.failures.map((f) => [f.index, f.error.message]));
    readable.forEach((s, i) => {
      const reason = failed.get(i);
      if (reason !== undefined) {
        failures.push({ id: s.id, reason });
        return;
      }
      images.push({ id: s.id, groundTruth: s.boxes.filter((b) => classes.includes(b.className)), detections: result.detections[i] ?? [] });
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const deepPcb = classes.every((c) => (DEEPPCB_CLASSES as readonly string[]).includes(c));
  const deploymentThreshold = options.deploymentThreshold ?? runner.metadata.postprocessing.deploymentThreshold ?? 0.5;
  return {
    report: buildEvaluationReport(images, { classes, deploymentThreshold, deepPcbBenchmark: deepPcb }),
    images,
    failures,
    imagesPerSecond: seconds > 0 ? images.length / seconds : 0,
  };
}
