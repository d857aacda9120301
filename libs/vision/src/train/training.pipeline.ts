import { appendFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ArchitectureSpec } from '../core/architecture-spec';
import type { DetectorWeights } from '../core/detector-weights';
import type { NchwBatch } from '../core/onnx-tfjs.comparison';
import { buildModelPackage } from '../artifact/model-package.builder';
import type { ModelPackageFiles } from '../artifact/model-package.files';
import type { ModelMetadata } from '../artifact/model-package.metadata';
import { saveModelPackage, type ModelPackage } from '../artifact/model-package.store';
import { buildEvaluationReport, type EvaluationReport } from '../eval/evaluation-report';
import { fingerprintTrainingData } from './dataset.fingerprint';
import { trainDetector, type TrainerConfig, type TrainingResult } from './detector.trainer';
import { metricsOf, predictLoadedSamplesOnnx, selectionScore, type SelectionMetric } from './detector.validator';
import { buildTrainingBatch } from './training-batch.builder';
import { loadTrainingData, type TrainingDataOptions, type TrainingDataSource } from './training-data.source';
import { loadTrainingImages, type LoadedSample } from './training-image.loader';

export interface TrainingPipelineOptions {
  readonly spec: ArchitectureSpec;
  readonly data: TrainingDataSource;
  readonly dataOptions: TrainingDataOptions;
  readonly config: TrainerConfig;
  readonly runDir: string;
  /** Where the model package goes. */
  readonly out: ModelPackageFiles;
  readonly resume: boolean;
  /** The exact command line that started this (recorded in the package). */
  readonly command: string;
  readonly argusVersion: string;
  /** The TF.js backend in use (recorded). */
  readonly backend: string;
  readonly exportOnnx?: boolean;
  readonly name?: string;
  readonly version?: string;
  readonly log?: (line: string) => void;
  readonly shouldStop?: () => boolean;
}

export interface TrainingPipelineResult {
  readonly package: ModelPackage;
  readonly training: TrainingResult;
  /** The shipped weights evaluated on the validation split (null without validation images). */
  readonly report: EvaluationReport | null;
  readonly skippedImages: readonly { id: string; reason: string }[];
}

export interface RunRecord {
  command: string;
  resumedWith: string[];
}

/** The run's first command, and the commands that resumed it (kept in `<runDir>/run.json`). */
export async function recordRun(runDir: string, command: string, resume: boolean): Promise<RunRecord> {
  const file = path.join(runDir, 'run.json');
  let record: RunRecord = { command, resumedWith: [] };
  if (resume) {
    try {
      const previous = JSON.parse(await readFile(file, 'utf8')) as RunRecord;
      record = { command: previous.command, resumedWith: [...(previous.resumedWith ?? []), command] };
    } catch {
      // no earlier record: this command starts the run
    }
  }
  await mkdir(runDir, { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 1)}\n`);
  return record;
}

/**
 * `argus train` end to end: load and split the data, decode it once, train (resumable), evaluate
 * the shipped weights on the validation split, export to ONNX with the numerical check, and write
 * the model package with its metadata (command, data fingerprint, metrics, backend, versions).
 */
export async function runTrainingPipeline(options: TrainingPipelineOptions): Promise<TrainingPipelineResult> {
  const { file: logFile, log } = await openRunLog(options.runDir, 'train.log', options.command, options.log);
  const { spec } = options;
  const data = await loadTrainingData(options.data, options.dataOptions);
  const missingClasses = spec.classes.filter((c) => !data.classes.includes(c));
  if (missingClasses.length === spec.classes.length) {
    throw new RangeError(`the data's classes [${data.classes.join(', ')}] share none with the model's [${spec.classes.join(', ')}]`);
  }
  log(
    `data ${data.source}: ${data.split}${data.skippedAnnotations.length > 0 ? `; ${data.skippedAnnotations.length} annotation(s) skipped` : ''}`,
  );
  for (const skipped of data.skippedAnnotations.slice(0, 5)) log(`  skipped ${skipped.location}: ${skipped.reason}`);

  const imageOptions = {
    width: spec.input.width,
    height: spec.input.height,
    channels: spec.input.channels,
    templateMode: spec.template,
    classes: spec.classes,
  };
  const started = Date.now();
  const [train, validation] = await Promise.all([
    loadTrainingImages(data.train, imageOptions),
    loadTrainingImages(data.validation, imageOptions),
  ]);
  const skippedImages = [...train.skipped, ...validation.skipped];
  log(
    `decoded ${train.images.length} training and ${validation.images.length} validation images in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (skippedImages.length > 0 ? `; ${skippedImages.length} bad image(s) skipped` : '') +
      (train.unknownClassBoxes + validation.unknownClassBoxes > 0
        ? `; ${train.unknownClassBoxes + validation.unknownClassBoxes} box(es) of classes the model lacks left out`
        : ''),
  );
  for (const s of skippedImages.slice(0, 5)) log(`  skipped ${s.id}: ${s.reason}`);

  const fingerprint = fingerprintTrainingData({ train: data.train, validation: data.validation });
  const run = await recordRun(options.runDir, options.command, options.resume);
  const training = await trainDetector({
    spec,
    train: train.images,
    validation: validation.images,
    runDir: options.runDir,
    config: options.config,
    resume: options.resume,
    dataFingerprint: fingerprint,
    log,
    ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}),
  });
  log(
    `training stopped (${training.stopReason}) after ${training.state.epoch} epoch(s); best epoch ${training.bestEpoch === null ? '—' : training.bestEpoch + 1}`,
  );

  const exportOnnx = options.exportOnnx ?? true;
  let report: EvaluationReport | null = null;
  let nmsIouThreshold = 0.5;
  if (validation.images.length > 0) {
    const tuned = await tuneNmsThreshold(spec, training.weights, validation.images, options.config.selectionMetric);
    nmsIouThreshold = tuned.best;
    log(
      `NMS IoU threshold chosen on validation: ${tuned.best} (${tuned.scores.map(([t, v]) => `${t}: ${v.toFixed(4)}`).join(', ')} by ${options.config.selectionMetric})`,
    );
    report = await evaluateLoaded(spec, training.weights, validation.images, nmsIouThreshold);
  }
  const deploymentThreshold = report ? report.bestF1.scoreThreshold : null;
  const checkBatch = validationCheckBatch(validation.images, spec.template);
  log(`packaging (ONNX export and check) into ${options.out.location}`);
  const pkg = await buildModelPackage({
    trainingLog: await readFile(logFile, 'utf8'),
    spec,
    weights: training.weights,
    argusVersion: options.argusVersion,
    ...(options.name ? { name: options.name } : {}),
    ...(options.version ? { version: options.version } : {}),
    postprocessing: { deploymentThreshold, nmsIouThreshold },
    exportOnnx,
    ...(checkBatch ? { checkBatch } : {}),
    training: {
      command: run.command,
      resumedWith: run.resumedWith,
      backend: options.backend,
      data: {
        source: data.source,
        fingerprint,
        split: data.split,
        trainImages: train.images.length,
        validationImages: validation.images.length,
        skippedImages: skippedImages.length,
        skippedAnnotations: data.skippedAnnotations.length,
        options: JSON.parse(JSON.stringify(options.dataOptions)) as Record<string, unknown>,
      },
      config: JSON.parse(JSON.stringify(options.config)) as Record<string, unknown>,
      epochsRun: training.state.epoch,
      bestEpoch: training.bestEpoch,
      stopReason: training.stopReason,
      trainImagesPerSecond: training.trainImagesPerSecond,
      trainingSeconds: training.state.trainingSeconds,
      wallSeconds: training.state.wallSeconds,
    },
    validation: validationRecord(report, options.config.selectionMetric),
  });
  await saveModelPackage(options.out, pkg);
  log(
    `model package written to ${options.out.location}${pkg.metadata.onnx ? ` (ONNX max |diff| vs TF.js ${pkg.metadata.onnx.maxAbsDiff.toExponential(2)})` : ''}`,
  );
  return { package: pkg, training, report, skippedImages };
}

function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/**
 * The run's log file in `runDir` (the command first, then every line, across resumes): what a
 * package ships as training.log. Each line also goes to `onLine`.
 */
export async function openRunLog(
  runDir: string,
  fileName: string,
  command: string,
  onLine?: (line: string) => void,
): Promise<{ file: string; log: (line: string) => void }> {
  await mkdir(runDir, { recursive: true });
  const file = path.join(runDir, fileName);
  appendFileSync(file, `$ ${command}\n`);
  return {
    file,
    log: (line) => {
      appendFileSync(file, `${line}\n`);
      onLine?.(line);
    },
  };
}

/** A package's validation metrics from the evaluation of its shipped weights (null without one). */
export function validationRecord(
  report: EvaluationReport | null,
  selectionMetric: SelectionMetric,
): ModelMetadata['metrics']['validation'] {
  if (!report) return null;
  return {
    imageCount: report.imageCount,
    deepPcbAp: finiteOrNull(report.deepPcb?.allDetections.ap),
    deepPcbFScore: finiteOrNull(report.deepPcb?.atDeploymentThreshold.fScore),
    map50: finiteOrNull(report.coco.map50),
    map: finiteOrNull(report.coco.map),
    selectionMetric,
  };
}

/** The shipped weights on preloaded validation images: the full evaluation report (DeepPCB metric included). */
/** NMS IoU thresholds tried on validation after training (defects rarely overlap: low ones often win). */
export const NMS_IOU_CANDIDATES = [0.5, 0.4, 0.3, 0.2, 0.1] as const;

/**
 * Picks the NMS IoU threshold that scores best on the validation images by the selection metric
 * (ties: the higher threshold). A post-processing choice, like the deployment threshold.
 */
export async function tuneNmsThreshold(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  images: readonly LoadedSample[],
  metric: SelectionMetric,
): Promise<{ best: number; scores: [number, number][] }> {
  const scores: [number, number][] = [];
  for (const iouThreshold of NMS_IOU_CANDIDATES) {
    const predictions = await predictLoadedSamplesOnnx(spec, weights, images, {
      classes: spec.classes,
      scoreThreshold: 0.05,
      iouThreshold,
      threads: 2,
    });
    scores.push([iouThreshold, selectionScore(metricsOf(predictions, spec.classes), metric)]);
  }
  const best = scores.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { best: best[0], scores };
}

/**
 * The ONNX export's numerical check input: the first two validation images as one NCHW batch
 * (undefined when there is none: the package builder then checks on a random batch).
 */
export function validationCheckBatch(
  images: readonly LoadedSample[],
  template: ArchitectureSpec['template'],
): (NchwBatch & { readonly description: string }) | undefined {
  const checkImages = images.slice(0, 2);
  if (checkImages.length === 0) return undefined;
  const batch = buildTrainingBatch(checkImages, template, 'nchw');
  return { data: batch.data, dims: batch.shape, description: `validation images ${checkImages.map((i) => i.id).join(', ')}` };
}

export async function evaluateLoaded(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  images: readonly LoadedSample[],
  nmsIouThreshold = 0.5,
): Promise<EvaluationReport> {
  const predictions = await predictLoadedSamplesOnnx(spec, weights, images, {
    classes: spec.classes,
    scoreThreshold: 0.05,
    iouThreshold: nmsIouThreshold,
    threads: 2,
  });
  const provisional = buildEvaluationReport(predictions, { classes: spec.classes, deploymentThreshold: 0.5, deepPcbBenchmark: true });
  return buildEvaluationReport(predictions, {
    classes: spec.classes,
    deploymentThreshold: provisional.bestF1.scoreThreshold,
    deepPcbBenchmark: true,
  });
}
