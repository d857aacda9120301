import { readFile } from 'node:fs/promises';
import { buildModelPackage } from '../artifact/model-package.builder';
import { PACKAGE_EVALUATION_FILE, type ModelPackageFiles } from '../artifact/model-package.files';
import { saveModelPackage, type ModelPackage } from '../artifact/model-package.store';
import type { EvaluationReport } from '../eval/evaluation-report';
import { evaluateLoaded, openRunLog, recordRun, validationCheckBatch, validationRecord } from '../train/training.pipeline';
import { adaptFewShot, type FewShotAdaptInput, type FewShotAdaptResult } from './few-shot.adapt';

export interface FewShotPipelineOptions extends FewShotAdaptInput {
  readonly out: ModelPackageFiles;
  readonly argusVersion: string;
  readonly backend: string;
  readonly name?: string;
  readonly version?: string;
  readonly exportOnnx?: boolean;
}

export interface FewShotPipelineResult {
  readonly package: ModelPackage;
  readonly adaptation: FewShotAdaptResult;
  /** The shipped weights on `data.validation` (null when it is empty). */
  readonly report: EvaluationReport | null;
}

/**
 * `argus adapt` and the console's new-line job, end to end: adapt (adaptFewShot), evaluate the
 * shipped weights on the data's validation frames with the start's NMS setting, export to ONNX
 * with the numerical check, and write a model package with its few-shot record and
 * `evaluation.json` (the header `argus eval --report` writes, and the report).
 */
export async function runFewShotPipeline(options: FewShotPipelineOptions): Promise<FewShotPipelineResult> {
  const { file: logFile, log } = await openRunLog(options.runDir, 'adapt.log', options.command, options.log);
  const run = await recordRun(options.runDir, options.command, false);
  const adaptation = await adaptFewShot({ ...options, log });
  const nmsIouThreshold = options.from?.metadata.postprocessing.nmsIouThreshold ?? 0.5;
  const report =
    adaptation.validation.length > 0
      ? await evaluateLoaded(adaptation.spec, adaptation.weights, adaptation.validation, nmsIouThreshold)
      : null;
  if (report) log(`evaluation on ${report.imageCount} frame(s) of ${options.data.source}: mAP@0.5 ${report.coco.map50.toFixed(4)}`);
  const checkBatch = validationCheckBatch(adaptation.validation, adaptation.spec.template);
  const { training, lineage } = adaptation;
  const pkg = await buildModelPackage({
    trainingLog: await readFile(logFile, 'utf8'),
    spec: adaptation.spec,
    weights: adaptation.weights,
    argusVersion: options.argusVersion,
    name: options.name ?? `${adaptation.spec.name}-${options.start}`,
    ...(options.version ? { version: options.version } : {}),
    postprocessing: { deploymentThreshold: report ? report.bestF1.scoreThreshold : null, nmsIouThreshold },
    exportOnnx: options.exportOnnx ?? true,
    ...(checkBatch ? { checkBatch } : {}),
    training: {
      command: run.command,
      resumedWith: run.resumedWith,
      backend: options.backend,
      data: {
        source: options.data.source,
        fingerprint: lineage.data.fingerprint,
        split: `${lineage.shots} shot(s) from: ${options.data.split}`,
        trainImages: lineage.shots,
        validationImages: adaptation.validation.length,
        skippedImages: options.data.train.length + options.data.validation.length - lineage.shots - adaptation.validation.length,
        skippedAnnotations: 0,
        ...(options.data.options ? { options: options.data.options } : {}),
      },
      config: lineage.hyperparameters,
      epochsRun: training.state.epoch,
      bestEpoch: null,
      stopReason: training.stopReason,
      trainImagesPerSecond: training.trainImagesPerSecond,
      trainingSeconds: training.state.trainingSeconds,
      wallSeconds: adaptation.seconds,
    },
    validation: validationRecord(report, 'map50'),
    fewShot: lineage,
  });
  await saveModelPackage(options.out, pkg);
  if (report) {
    const evaluation = {
      model: { name: pkg.metadata.name, version: pkg.metadata.version },
      data: options.data.source,
      split: 'validation',
      fingerprint: lineage.data.fingerprint,
      report,
    };
    await options.out.write(PACKAGE_EVALUATION_FILE, Buffer.from(`${JSON.stringify(evaluation, null, 1)}\n`), 'application/json');
  }
  log(`model package written to ${options.out.location}`);
  return { package: pkg, adaptation, report };
}
