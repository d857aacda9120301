import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  DetectorRunner,
  evaluateModel,
  folderPackageFiles,
  loadModelPackage,
  loadTrainingData,
  parseTrainingDataSource,
  prCurvesForPlot,
  renderPrCurvesPng,
  stderrJsonVisionLogger,
  type EvaluationReport,
  compareByClass,
  fingerprintTrainingData,
  formatClassComparison,
  type TrainingDataOptions,
} from '@argus/vision';
import {
  choiceOption,
  formatHelp,
  listOption,
  numberOption,
  parseCommandArgs,
  requiredString,
  stringOption,
  UsageError,
  type CommandSpec,
} from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';

const spec: CommandSpec = {
  name: 'eval',
  summary: 'evaluate a model package on labelled data (COCO mAP, P/R/F1, DeepPCB metric, PR plot)',
  usage: 'argus eval --model DIR [--data SOURCE] [options]  |  argus eval --compare PARENT CANDIDATE --data SOURCE [options]',
  options: {
    model: { type: 'string', valueName: 'DIR', required: true, description: 'model package folder' },
    data: {
      type: 'string',
      valueName: 'SOURCE',
      description: "deeppcb:PATH, voc:PATH, manifest:PATH or synthetic:FEED (default: the model's training data)",
    },
    split: {
      type: 'string',
      valueName: 'S',
      description: 'validation (the held-out split, rebuilt as in training) or all',
      default: 'validation',
    },
    seed: { type: 'string', valueName: 'N', description: "split seed (default the model's training seed)" },
    'val-fraction': { type: 'string', valueName: 'F', description: "validation share (default the model's training setting)" },
    runtime: { type: 'string', valueName: 'R', description: 'auto, onnxruntime or tfjs', default: 'auto' },
    'batch-size': { type: 'string', valueName: 'N', description: 'images per model call', default: '8' },
    'score-threshold': { type: 'string', valueName: 'X', description: "lowest confidence kept (default the package's)" },
    'nms-iou': { type: 'string', valueName: 'X', description: "NMS IoU threshold (default the package's)" },
    'deployment-threshold': {
      type: 'string',
      valueName: 'X',
      description: "score threshold for P/R/F1 (default the package's best-F1 threshold)",
    },
    report: { type: 'string', valueName: 'FILE', description: 'write the full report as JSON' },
    'pr-plot': { type: 'string', valueName: 'FILE', description: 'write the precision–recall curves as a PNG' },
  },
  examples: [
    'argus eval --model models/deeppcb --data deeppcb:../shared/datasets/deeppcb --pr-plot tmp/pr.png',
    'argus eval --compare models/continual/base-no-pin-hole tmp/ft --data deeppcb:../shared/datasets/deeppcb',
  ],
};

const compareSpec: CommandSpec = {
  name: 'eval',
  summary: 'per-class AP of a parent and a fine-tuned candidate on the same data, old classes and new',
  usage: 'argus eval --compare PARENT CANDIDATE --data SOURCE [options]',
  options: {
    data: { type: 'string', valueName: 'SOURCE', required: true, description: 'deeppcb:PATH, voc:PATH, manifest:PATH or synthetic:FEED' },
    split: { type: 'string', valueName: 'S', description: 'validation (the held-out split) or all', default: 'validation' },
    seed: { type: 'string', valueName: 'N', description: 'split seed', default: '1' },
    'val-fraction': { type: 'string', valueName: 'F', description: 'validation share', default: '0.2' },
    groups: { type: 'string', valueName: 'G1,G2', description: 'these groups only' },
    'exclude-groups': { type: 'string', valueName: 'G1,G2', description: 'leave these groups out' },
    runtime: { type: 'string', valueName: 'R', description: 'auto, onnxruntime or tfjs', default: 'auto' },
    'batch-size': { type: 'string', valueName: 'N', description: 'images per model call', default: '8' },
  },
  examples: ['argus eval --compare models/continual/base-no-pin-hole tmp/ft --data deeppcb:../shared/datasets/deeppcb'],
};

/** `--compare PARENT CANDIDATE`: both models on the same samples, one per-class table. */
async function runCompare(argv: readonly string[], context: CliContext): Promise<number> {
  const at = argv.indexOf('--compare');
  const [parentDir, candidateDir] = [argv[at + 1], argv[at + 2]];
  const rest = [...argv.slice(0, at), ...argv.slice(at + 3)];
  const values = parseCommandArgs(compareSpec, rest);
  if (values === undefined) {
    context.out(formatHelp(compareSpec));
    return 0;
  }
  if (!parentDir || !candidateDir || parentDir.startsWith('--') || candidateDir.startsWith('--')) {
    throw new UsageError('--compare takes two model package folders: PARENT CANDIDATE');
  }
  const runtime = choiceOption(values, 'runtime', ['auto', 'onnxruntime', 'tfjs'] as const) as 'auto' | 'onnxruntime' | 'tfjs';
  const split = choiceOption(values, 'split', ['validation', 'all'] as const) as 'validation' | 'all';
  const [parent, candidate] = await Promise.all([
    loadModelPackage(folderPackageFiles(parentDir)),
    loadModelPackage(folderPackageFiles(candidateDir)),
  ]);
  const groups = listOption(values, 'groups');
  const excludeGroups = listOption(values, 'exclude-groups');
  const data = await loadTrainingData(parseTrainingDataSource(requiredString(values, 'data')), {
    seed: numberOption(values, 'seed', { integer: true, min: 0 }) as number,
    validationFraction: numberOption(values, 'val-fraction', { min: 0, max: 0.95 }) as number,
    ...(groups ? { groups } : {}),
    ...(excludeGroups ? { excludeGroups } : {}),
  });
  const samples = split === 'all' ? [...data.train, ...data.validation] : data.validation;
  if (samples.length === 0) throw new UsageError(`no ${split} samples in ${data.source}`);
  const batchSize = numberOption(values, 'batch-size', { integer: true, min: 1, max: 256 }) as number;
  const predict = async (pkg: typeof parent) => {
    const runner = await DetectorRunner.open(pkg, { runtime, logger: stderrJsonVisionLogger });
    try {
      return await evaluateModel(runner, samples, { batchSize });
    } finally {
      await runner.dispose();
    }
  };
  const before = await predict(parent);
  const after = await predict(candidate);
  const failed = new Set([...before.failures, ...after.failures].map((f) => f.id));
  const keep = (images: typeof before.images) => images.filter((i) => !failed.has(i.id));
  const comparison = compareByClass(keep(before.images), keep(after.images), parent.metadata.classes, candidate.metadata.classes);
  context.out(
    `argus eval --compare: ${parent.metadata.name}@${parent.metadata.version} → ${candidate.metadata.name}@${candidate.metadata.version} ` +
      `on ${data.source} (${split}: ${samples.length - failed.size} images; ${data.split})`,
  );
  context.out(formatClassComparison(comparison));
  for (const id of [...failed].slice(0, 10)) context.err(`  skipped ${id}: could not be read or decoded`);
  return failed.size > 0 ? 1 : 0;
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(4));

export function formatReport(report: EvaluationReport): string {
  const lines = [
    `images ${report.imageCount}: mAP@0.5 ${pct(report.coco.map50)}, mAP@0.75 ${pct(report.coco.map75)}, mAP@[.5:.95] ${pct(report.coco.map)}`,
  ];
  if (report.deepPcb) {
    const all = report.deepPcb.allDetections;
    const dep = report.deepPcb.atDeploymentThreshold;
    lines.push(
      `DeepPCB metric (IoU > 0.33): AP ${pct(all.ap)}; at score ≥ ${dep.scoreThreshold.toFixed(2)}: precision ${pct(dep.precision)}, recall ${pct(dep.recall)}, F-score ${pct(dep.fScore)}`,
    );
  }
  const t = report.atDeploymentThreshold;
  lines.push(
    `at score ≥ ${t.scoreThreshold.toFixed(2)} (IoU 0.5): precision ${pct(t.precision)}, recall ${pct(t.recall)}, F1 ${pct(t.f1)}; best F1 ${pct(report.bestF1.f1)} at ${report.bestF1.scoreThreshold.toFixed(2)}`,
  );
  lines.push('per class:   AP@0.5  AP@[.5:.95]  ground truth');
  for (const c of report.coco.perClass) {
    lines.push(
      `  ${c.className.padEnd(10)} ${pct(c.ap50).padStart(6)}  ${pct(c.ap).padStart(11)}  ${String(c.groundTruthCount).padStart(12)}`,
    );
  }
  return lines.join('\n');
}

export const evalCommand: CliCommand = {
  spec,
  async run(argv, context: CliContext): Promise<number> {
    if (argv.includes('--compare')) return runCompare(argv, context);
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const split = choiceOption(values, 'split', ['validation', 'all'] as const) as 'validation' | 'all';
    const runtime = choiceOption(values, 'runtime', ['auto', 'onnxruntime', 'tfjs'] as const) as 'auto' | 'onnxruntime' | 'tfjs';
    const modelDir = requiredString(values, 'model');
    const pkg = await loadModelPackage(folderPackageFiles(modelDir));
    const training = pkg.metadata.training;
    const dataText = stringOption(values, 'data') ?? training?.data.source;
    if (dataText === undefined) throw new UsageError('--data is required (the model records no training data)');
    const source = parseTrainingDataSource(dataText);
    const recorded = (training?.data.options ?? {}) as Partial<TrainingDataOptions>;
    const seed =
      numberOption(values, 'seed', { integer: true, min: 0 }) ?? recorded.seed ?? (training?.config['seed'] as number | undefined) ?? 1;
    const fraction = numberOption(values, 'val-fraction', { min: 0, max: 0.95 }) ?? recorded.validationFraction ?? 0.2;
    const data = await loadTrainingData(source, { ...recorded, seed, validationFraction: fraction });
    const samples = split === 'all' ? [...data.train, ...data.validation] : data.validation;
    if (samples.length === 0) throw new UsageError(`no ${split} samples in ${data.source}`);
    const deploymentThreshold = numberOption(values, 'deployment-threshold', { min: 0, max: 1 });
    const scoreThreshold = numberOption(values, 'score-threshold', { min: 0, max: 1 });
    const nmsIou = numberOption(values, 'nms-iou', { min: 0, max: 1 });
    const runner = await DetectorRunner.open(pkg, {
      runtime,
      logger: stderrJsonVisionLogger,
      postprocessing: {
        ...(scoreThreshold !== undefined ? { scoreThreshold } : {}),
        ...(nmsIou !== undefined ? { nmsIouThreshold: nmsIou } : {}),
      },
    });
    let evaluation;
    try {
      evaluation = await evaluateModel(runner, samples, {
        batchSize: numberOption(values, 'batch-size', { integer: true, min: 1, max: 256 }) as number,
        ...(deploymentThreshold !== undefined ? { deploymentThreshold } : {}),
      });
    } finally {
      await runner.dispose();
    }
    context.out(`argus eval: ${pkg.metadata.name} ${pkg.metadata.version} on ${data.source} (${split}: ${data.split}; ${runner.runtime})`);
    context.out(formatReport(evaluation.report));
    context.out(
      `${evaluation.imagesPerSecond.toFixed(1)} images/s end to end${evaluation.failures.length > 0 ? `; ${evaluation.failures.length} image(s) failed` : ''}`,
    );
    for (const f of evaluation.failures.slice(0, 10)) context.err(`  skipped ${f.id}: ${f.reason}`);
    const reportFile = stringOption(values, 'report');
    if (reportFile) {
      await mkdir(path.dirname(path.resolve(reportFile)), { recursive: true });
      // The fingerprint identifies the scored samples, so two reports can be told comparable or not.
      const fingerprint = fingerprintTrainingData({ [split]: samples });
      const header = {
        model: { name: pkg.metadata.name, version: pkg.metadata.version },
        data: data.source,
        split,
        fingerprint,
        seed,
        validationFraction: fraction,
      };
      await writeFile(reportFile, `${JSON.stringify({ ...header, report: evaluation.report }, null, 1)}\n`);
      context.out(`report written to ${reportFile}`);
    }
    const plotFile = stringOption(values, 'pr-plot');
    if (plotFile) {
      await mkdir(path.dirname(path.resolve(plotFile)), { recursive: true });
      await writeFile(
        plotFile,
        await renderPrCurvesPng(prCurvesForPlot(evaluation.report.coco), { title: `${pkg.metadata.name} on ${data.source} (${split})` }),
      );
      context.out(`precision–recall plot written to ${plotFile}`);
    }
    return evaluation.failures.length > 0 ? 1 : 0;
  },
};
