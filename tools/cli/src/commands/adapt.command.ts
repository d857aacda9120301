import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  ADAPT_STARTS,
  chooseNearestModel,
  DEFAULT_ADAPT_BUDGET_SECONDS,
  describeFrames,
  describeInput,
  drawShots,
  FINE_TUNE_FREEZES,
  folderPackageFiles,
  formatDuration,
  loadFineTuneData,
  loadModelPackage,
  parseTrainingDataSource,
  runFewShotPipeline,
  selectTfBackend,
  stderrJsonVisionLogger,
  type AdaptStart,
  type ArchitectureSpec,
  type FineTuneFreeze,
  type ModelPackage,
  type TrainerConfig,
  type TrainingDataOptions,
} from '@argus/vision';
import {
  choiceOption,
  formatHelp,
  listOption,
  numberOption,
  parseCommandArgs,
  requiredString,
  shellQuote,
  stringOption,
  UsageError,
  type CommandSpec,
} from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';
import { formatReport } from './eval.command';
import { resolveSpec } from './model-options';

/** Where `--from meta-init` looks: the shipped initialisations, one per kind of frame input. */
export const META_INIT_DIRS = {
  template: path.join('models', 'meta-init-template'),
  plain: path.join('models', 'meta-init-plain'),
} as const;

const spec: CommandSpec = {
  name: 'adapt',
  summary: 'adapt a detector to a new line from K labelled frames within a time budget (scratch, frozen-backbone fine-tune, meta-init)',
  usage:
    'argus adapt --from PACKAGE[,PACKAGE…]|meta-init[:PATH] --data SOURCE --shots K --out DIR [--start scratch|finetune|meta] [options]',
  options: {
    from: {
      type: 'string',
      valueName: 'FROM',
      description:
        'production model package(s) to fine-tune from (several: the nearest to the new frames is chosen), or meta-init (the shipped initialisation for the frames: models/meta-init-template or -plain) or meta-init:PATH',
    },
    data: {
      type: 'string',
      valueName: 'SOURCE',
      required: true,
      description: 'the new line’s labelled data: deeppcb:PATH, voc:PATH, manifest:PATH, synthetic:FEED',
    },
    shots: {
      type: 'string',
      valueName: 'K',
      required: true,
      description: 'labelled training frames to adapt on (drawn seeded from the training split)',
    },
    start: {
      type: 'string',
      valueName: 'S',
      description: 'scratch, finetune or meta (default: meta for --from meta-init, finetune for a package)',
    },
    out: { type: 'string', valueName: 'DIR', required: true, description: 'folder for the adapted model package (with evaluation.json)' },
    'budget-seconds': {
      type: 'string',
      valueName: 'S',
      description: 'wall-clock budget of the adaptation',
      default: String(DEFAULT_ADAPT_BUDGET_SECONDS),
    },
    seed: { type: 'string', valueName: 'N', description: 'seed of the split, the draw, class channels and training', default: '1' },
    draw: { type: 'string', valueName: 'N', description: 'which seeded draw of K frames (the benchmark averages several)', default: '0' },
    freeze: { type: 'string', valueName: 'F', description: 'finetune: backbone or backbone+neck left untrained', default: 'backbone' },
    feed: { type: 'string', valueName: 'FEED', description: 'scratch without --from: the feed whose default architecture to train' },
    spec: { type: 'string', valueName: 'FILE', description: 'scratch without --from: an architecture spec (JSON)' },
    epochs: { type: 'string', valueName: 'N', description: 'fix the epochs (default: sized to the budget by a short probe)' },
    'batch-size': { type: 'string', valueName: 'N', description: 'images per step (default the recipe’s)' },
    'crops-per-image': { type: 'string', valueName: 'N', description: 'augmented copies of each shot per epoch (default the recipe’s)' },
    lr: { type: 'string', valueName: 'X', description: 'peak learning rate (default the recipe’s)' },
    'val-fraction': { type: 'string', valueName: 'F', description: 'share of --data held out for evaluation', default: '0.2' },
    groups: { type: 'string', valueName: 'G1,G2', description: '--data: these groups only' },
    'exclude-groups': { type: 'string', valueName: 'G1,G2', description: '--data: leave these groups out' },
    'synthetic-count': {
      type: 'string',
      valueName: 'N',
      description: '--data synthetic:FEED: training scenes to draw from',
      default: '100',
    },
    'synthetic-val-count': { type: 'string', valueName: 'N', description: '--data synthetic:FEED: evaluation scenes', default: '40' },
    'synthetic-size': { type: 'string', valueName: 'N', description: '--data synthetic:FEED: scene size in pixels' },
    'run-dir': { type: 'string', valueName: 'DIR', description: 'the run’s checkpoints and log (default tmp/runs/<name of --out>)' },
    name: { type: 'string', valueName: 'NAME', description: 'the model’s name (default <architecture>-<start>)' },
    'no-onnx': { type: 'boolean', description: 'skip the ONNX export' },
    'progress-seconds': { type: 'string', valueName: 'S', description: 'seconds between progress lines', default: '10' },
  },
  examples: [
    'argus adapt --from models/deeppcb --data voc:../shared/datasets/bccd --shots 10 --out tmp/adapt/bccd-finetune',
    'argus adapt --from meta-init --data voc:../shared/datasets/bccd --shots 10 --draw 2 --out tmp/adapt/bccd-meta',
    'argus adapt --start scratch --feed medical --data voc:../shared/datasets/bccd --shots 10 --out tmp/adapt/bccd-scratch',
  ],
};

/** `meta-init` or `meta-init:PATH` → the path (null: the shipped one for the frames); anything else → undefined. */
function metaInitPath(from: string): string | null | undefined {
  if (from === 'meta-init') return null;
  if (from.startsWith('meta-init:')) {
    const rest = from.slice('meta-init:'.length);
    if (rest === '') throw new UsageError('--from meta-init:PATH needs a path after the colon');
    return rest;
  }
  return undefined;
}

export const adaptCommand: CliCommand = {
  spec,
  interruptible: true,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const seed = numberOption(values, 'seed', { integer: true, min: 0 }) as number;
    const shots = numberOption(values, 'shots', { integer: true, min: 1 });
    if (shots === undefined) throw new UsageError('--shots is required');
    const draw = numberOption(values, 'draw', { integer: true, min: 0 }) as number;
    const budgetSeconds = numberOption(values, 'budget-seconds', { min: 1 }) as number;
    const freeze = choiceOption<FineTuneFreeze>(values, 'freeze', FINE_TUNE_FREEZES) as FineTuneFreeze;
    const fromText = stringOption(values, 'from');
    const metaPath = fromText === undefined ? undefined : metaInitPath(fromText);
    const start: AdaptStart =
      choiceOption<AdaptStart>(values, 'start', ADAPT_STARTS) ??
      (fromText === undefined ? 'scratch' : metaPath !== undefined ? 'meta' : 'finetune');
    if (start !== 'scratch' && fromText === undefined) throw new UsageError(`--start ${start} needs --from`);
    if (start === 'meta' && fromText !== undefined && metaPath === undefined) {
      throw new UsageError('--start meta needs --from meta-init or meta-init:PATH');
    }
    if (start === 'finetune' && metaPath !== undefined)
      throw new UsageError('--start finetune needs production model package(s) in --from, not a meta-init');

    const groups = listOption(values, 'groups');
    const excludeGroups = listOption(values, 'exclude-groups');
    const syntheticSize = numberOption(values, 'synthetic-size', { integer: true, min: 64 });
    const dataOptions: TrainingDataOptions = {
      seed,
      validationFraction: numberOption(values, 'val-fraction', { min: 0.01, max: 0.9 }) as number,
      syntheticCount: numberOption(values, 'synthetic-count', { integer: true, min: 1 }) as number,
      syntheticValidationCount: numberOption(values, 'synthetic-val-count', { integer: true, min: 1 }) as number,
      ...(syntheticSize !== undefined ? { syntheticSize } : {}),
      ...(groups ? { groups } : {}),
      ...(excludeGroups ? { excludeGroups } : {}),
    };
    const full = await loadFineTuneData(parseTrainingDataSource(requiredString(values, 'data')), dataOptions);
    const data = drawShots(full, shots, seed, draw);

    let from: ModelPackage | undefined;
    let scratchSpec: ArchitectureSpec | undefined;
    const load = (dir: string) => loadModelPackage(folderPackageFiles(path.resolve(dir)));
    if (metaPath !== undefined) {
      const frames = await describeFrames(data.train);
      const kind = frames.template === 'none' ? 'plain' : 'template';
      const dir = metaPath ?? META_INIT_DIRS[kind];
      if (metaPath === null && !existsSync(path.join(dir, 'metadata.json'))) {
        throw new UsageError(
          `--from meta-init: there is no ${kind} initialisation at ${dir} yet (frames ${describeInput(frames)}); meta-train one with argus meta-train --init ${kind} --out ${dir} --exclude …, or give meta-init:PATH`,
        );
      }
      from = await load(dir);
    } else if (fromText !== undefined) {
      const candidates = await Promise.all((listOption(values, 'from') ?? []).map(load));
      const frames = await describeFrames(data.train);
      const choice = chooseNearestModel(candidates, frames);
      if (candidates.length > 1) context.out(`nearest model: ${choice.reason}`);
      from = choice.package;
    }
    if (start === 'scratch' && from === undefined)
      scratchSpec = await resolveSpec(stringOption(values, 'feed'), stringOption(values, 'spec'));
    const startSpec = from?.metadata.spec ?? (scratchSpec as ArchitectureSpec);
    const input = await describeFrames(data.train, { templateMode: startSpec.template });

    const override = (name: string, check: { integer?: boolean; min?: number; max?: number }) => numberOption(values, name, check);
    const epochs = override('epochs', { integer: true, min: 1 });
    const batchSize = override('batch-size', { integer: true, min: 1, max: 256 });
    const cropsPerImage = override('crops-per-image', { integer: true, min: 1, max: 64 });
    const lr = override('lr', { min: 1e-7, max: 1 });
    const config: Partial<TrainerConfig> = {
      progressEverySeconds: numberOption(values, 'progress-seconds', { min: 1 }) as number,
      ...(epochs !== undefined ? { epochs } : {}),
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(cropsPerImage !== undefined ? { cropsPerImage } : {}),
      ...(lr !== undefined ? { learningRate: lr } : {}),
    };
    const out = path.resolve(requiredString(values, 'out'));
    const runDir = path.resolve(stringOption(values, 'run-dir') ?? path.join('tmp', 'runs', path.basename(out)));
    const backend = await selectTfBackend({ logger: stderrJsonVisionLogger });
    context.out(
      `argus adapt: TensorFlow.js backend ${backend.choice}; start ${start}${from ? ` from ${from.metadata.name}@${from.metadata.version}` : ''}; ` +
        `${data.train.length} shot(s) of ${data.source} (${describeInput(input)}), ${data.validation.length} evaluation frame(s); budget ${budgetSeconds} s; run folder ${runDir}`,
    );
    const name = stringOption(values, 'name');
    const result = await runFewShotPipeline({
      start,
      ...(from ? { from } : {}),
      ...(scratchSpec ? { spec: scratchSpec } : {}),
      input,
      data,
      budgetSeconds,
      freeze,
      seed,
      runDir,
      command: ['npx', 'argus', ...context.commandLine].map(shellQuote).join(' '),
      config,
      out: folderPackageFiles(out),
      argusVersion: context.argusVersion,
      backend: backend.choice,
      exportOnnx: values['no-onnx'] !== true,
      ...(name ? { name } : {}),
      log: (line) => context.out(line),
      shouldStop: context.interrupted,
    });
    const { adaptation, report } = result;
    if (report) context.out(formatReport(report));
    context.out(
      `adapted ${result.package.metadata.name}@${result.package.metadata.version} (${start}, ${adaptation.lineage.shots} shots, ${adaptation.training.stopReason}) ` +
        `in ${adaptation.seconds.toFixed(1)} s (${formatDuration(adaptation.seconds * 1000)}); ` +
        `evaluation: ${report ? `mAP@0.5 ${report.coco.map50.toFixed(4)} on ${report.imageCount} frame(s)` : 'none (no evaluation frame)'}; package ${out}`,
    );
    return adaptation.training.stopReason === 'interrupted' ? 130 : 0;
  },
};
