import * as path from 'node:path';
import {
  DEFAULT_FINE_TUNE_SETTINGS,
  FINE_TUNE_METHODS,
  folderPackageFiles,
  formatDuration,
  loadFineTuneData,
  loadModelPackage,
  loadRecordedTrainingData,
  parentTrainerConfig,
  DEFAULT_FINE_TUNE_TRAINING,
  parseTrainingDataSource,
  runFineTunePipeline,
  selectTfBackend,
  stderrJsonVisionLogger,
  type FineTuneMethod,
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
  type CommandSpec,
} from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';

const spec: CommandSpec = {
  name: 'finetune',
  summary: 'teach a model package new classes or product variants without forgetting (replay, distillation)',
  usage: 'argus finetune --from PACKAGE --data SOURCE --out DIR [--replay SOURCE] [--method naive|replay|replay-distill|joint] [options]',
  options: {
    from: { type: 'string', valueName: 'DIR', required: true, description: 'the parent model package' },
    data: {
      type: 'string',
      valueName: 'SOURCE',
      required: true,
      description: 'the new labelled data: deeppcb:PATH, voc:PATH, manifest:PATH (split like argus train)',
    },
    replay: {
      type: 'string',
      valueName: 'SOURCE',
      description: "the parent's training data for rehearsal (default: what the parent recorded)",
    },
    method: {
      type: 'string',
      valueName: 'M',
      description: 'naive, replay, replay-distill or joint',
      default: DEFAULT_FINE_TUNE_SETTINGS.method,
    },
    out: { type: 'string', valueName: 'DIR', required: true, description: 'folder for the new model package' },
    'run-dir': { type: 'string', valueName: 'DIR', description: 'checkpoints of the run (default tmp/runs/<name of --out>)' },
    resume: { type: 'boolean', description: 'continue the run in --run-dir from its last checkpoint' },
    epochs: {
      type: 'string',
      valueName: 'N',
      description: 'epochs over the mixed training set',
      default: String(DEFAULT_FINE_TUNE_TRAINING.epochs),
    },
    lr: {
      type: 'string',
      valueName: 'X',
      description: 'peak learning rate (lower than training from scratch)',
      default: String(DEFAULT_FINE_TUNE_TRAINING.learningRate),
    },
    'warmup-epochs': {
      type: 'string',
      valueName: 'X',
      description: 'linear warm-up length',
      default: String(DEFAULT_FINE_TUNE_TRAINING.warmupEpochs),
    },
    'batch-size': { type: 'string', valueName: 'N', description: "images per step (default the parent's)" },
    'crops-per-image': { type: 'string', valueName: 'N', description: "crops of every image per epoch (default the parent's)" },
    exemplars: {
      type: 'string',
      valueName: 'N',
      description: "rehearsal frames from the parent's training data",
      default: String(DEFAULT_FINE_TUNE_SETTINGS.exemplarBudget),
    },
    'replay-share': {
      type: 'string',
      valueName: 'F',
      description: "the exemplars' share of each epoch",
      default: String(DEFAULT_FINE_TUNE_SETTINGS.replayShare),
    },
    'distill-weight': {
      type: 'string',
      valueName: 'X',
      description: 'weight of the distillation loss (replay-distill)',
      default: String(DEFAULT_FINE_TUNE_SETTINGS.distillationWeight),
    },
    freeze: {
      type: 'string',
      valueName: 'P1,P2',
      description: "weight-name prefixes not trained ('none' trains all)",
      default: DEFAULT_FINE_TUNE_SETTINGS.frozenPrefixes.join(','),
    },
    'old-validation': {
      type: 'string',
      valueName: 'N',
      description: "the parent's validation frames in the mixed validation set",
      default: String(DEFAULT_FINE_TUNE_SETTINGS.oldValidationLimit),
    },
    ship: {
      type: 'string',
      valueName: 'W',
      description: 'best (the best validation epoch) or last',
      default: DEFAULT_FINE_TUNE_TRAINING.ship,
    },
    patience: {
      type: 'string',
      valueName: 'N',
      description: 'early stopping after N epochs without improvement on the mixed validation set (0: off)',
      default: String(DEFAULT_FINE_TUNE_TRAINING.patience),
    },
    'ema-decay': {
      type: 'string',
      valueName: 'X',
      description: 'EMA of the weights (0: off)',
      default: String(DEFAULT_FINE_TUNE_TRAINING.emaDecay),
    },
    seed: { type: 'string', valueName: 'N', description: 'seed of the split, exemplars, head growth and augmentation', default: '1' },
    'val-fraction': { type: 'string', valueName: 'F', description: 'share of --data held out for validation', default: '0.2' },
    groups: { type: 'string', valueName: 'G1,G2', description: '--data: these groups only' },
    'exclude-groups': { type: 'string', valueName: 'G1,G2', description: '--data: leave these groups out' },
    'synthetic-count': { type: 'string', valueName: 'N', description: '--data synthetic:FEED: training scenes', default: '600' },
    'synthetic-val-count': { type: 'string', valueName: 'N', description: '--data synthetic:FEED: validation scenes', default: '120' },
    'max-minutes': { type: 'string', valueName: 'M', description: 'stop (checkpoint kept, model packaged) after M minutes of wall time' },
    name: { type: 'string', valueName: 'NAME', description: "the model's name (default the parent's)" },
    'model-version': { type: 'string', valueName: 'V', description: "the model's version (default a UTC timestamp)" },
    'no-onnx': { type: 'boolean', description: 'skip the ONNX export' },
    'progress-seconds': { type: 'string', valueName: 'S', description: 'seconds between progress lines', default: '30' },
  },
  examples: [
    'argus finetune --from models/deeppcb --data manifest:tmp/reviews/samples.jsonl --out tmp/models/deeppcb-ft --max-minutes 10',
    'argus finetune --from models/continual/base-five-groups --data deeppcb:../shared/datasets/deeppcb --groups 44000,50600 --method naive --out tmp/ft-naive',
  ],
};

export const finetuneCommand: CliCommand = {
  spec,
  interruptible: true,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const method = choiceOption<FineTuneMethod>(values, 'method', FINE_TUNE_METHODS) as FineTuneMethod;
    const ship = choiceOption(values, 'ship', ['best', 'last'] as const) as 'best' | 'last';
    const parent = await loadModelPackage(folderPackageFiles(path.resolve(requiredString(values, 'from'))));
    const seed = numberOption(values, 'seed', { integer: true, min: 0 }) as number;
    const groups = listOption(values, 'groups');
    const excludeGroups = listOption(values, 'exclude-groups');
    const dataOptions: TrainingDataOptions = {
      seed,
      validationFraction: numberOption(values, 'val-fraction', { min: 0, max: 0.9 }) as number,
      syntheticCount: numberOption(values, 'synthetic-count', { integer: true, min: 1 }) as number,
      syntheticValidationCount: numberOption(values, 'synthetic-val-count', { integer: true, min: 0 }) as number,
      ...(groups ? { groups } : {}),
      ...(excludeGroups ? { excludeGroups } : {}),
    };
    const newData = await loadFineTuneData(parseTrainingDataSource(requiredString(values, 'data')), dataOptions);
    const replayText = stringOption(values, 'replay');
    const replayData =
      method === 'naive'
        ? null
        : replayText !== undefined
          ? await loadFineTuneData(parseTrainingDataSource(replayText), {
              seed: 1,
              ...(parent.metadata.training?.data.options ?? {}),
            } as TrainingDataOptions)
          : await loadRecordedTrainingData(parent);

    const inherited = parentTrainerConfig(parent);
    const maxMinutes = numberOption(values, 'max-minutes', { min: 0 });
    const batchSize = numberOption(values, 'batch-size', { integer: true, min: 1, max: 256 });
    const cropsPerImage = numberOption(values, 'crops-per-image', { integer: true, min: 1, max: 64 });
    const config: TrainerConfig = {
      ...inherited,
      epochs: numberOption(values, 'epochs', { integer: true, min: 1 }) as number,
      learningRate: numberOption(values, 'lr', { min: 1e-7, max: 1 }) as number,
      warmupEpochs: numberOption(values, 'warmup-epochs', { min: 0 }) as number,
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(cropsPerImage !== undefined ? { cropsPerImage } : {}),
      emaDecay: numberOption(values, 'ema-decay', { min: 0, max: 0.99999 }) as number,
      seed,
      patience: numberOption(values, 'patience', { integer: true, min: 0 }) as number,
      ship,
      progressEverySeconds: numberOption(values, 'progress-seconds', { min: 1 }) as number,
      ...(maxMinutes !== undefined ? { maxMinutes } : { maxMinutes: undefined }),
    };
    const freeze = listOption(values, 'freeze') ?? [];
    const settings = {
      method,
      exemplarBudget: numberOption(values, 'exemplars', { integer: true, min: 0 }) as number,
      replayShare: numberOption(values, 'replay-share', { min: 0, max: 0.95 }) as number,
      distillationWeight: numberOption(values, 'distill-weight', { min: 0 }) as number,
      selectionThreshold: DEFAULT_FINE_TUNE_SETTINGS.selectionThreshold,
      frozenPrefixes: freeze.length === 1 && freeze[0] === 'none' ? [] : freeze,
      oldValidationLimit: numberOption(values, 'old-validation', { integer: true, min: 0 }) as number,
    };
    const out = path.resolve(requiredString(values, 'out'));
    const runDir = path.resolve(stringOption(values, 'run-dir') ?? path.join('tmp', 'runs', path.basename(out)));
    const backend = await selectTfBackend({ logger: stderrJsonVisionLogger });
    context.out(
      `argus finetune: TensorFlow.js backend ${backend.choice}; parent ${parent.metadata.name}@${parent.metadata.version}; method ${method}; run folder ${runDir}`,
    );
    const started = Date.now();
    const result = await runFineTunePipeline({
      parent,
      newData,
      ...(replayData ? { replayData } : {}),
      settings,
      config,
      runDir,
      resume: values['resume'] === true,
      out: folderPackageFiles(out),
      command: ['npx', 'argus', ...context.commandLine].map(shellQuote).join(' '),
      argusVersion: context.argusVersion,
      backend: backend.choice,
      exportOnnx: values['no-onnx'] !== true,
      ...(stringOption(values, 'name') ? { name: stringOption(values, 'name') as string } : {}),
      ...(stringOption(values, 'model-version') ? { version: stringOption(values, 'model-version') as string } : {}),
      log: (line) => context.out(line),
      shouldStop: context.interrupted,
    });
    const { training, addedClasses } = result.fineTune;
    context.out(
      `fine-tuned ${result.package.metadata.name}@${result.package.metadata.version} from ${parent.metadata.name}@${parent.metadata.version} ` +
        `(${method}${addedClasses.length > 0 ? `; new classes ${addedClasses.join(', ')}` : ''}; ${training.stopReason}) in ${formatDuration(Date.now() - started)}, ` +
        `${training.trainImagesPerSecond.toFixed(1)} training images/s; package ${out}`,
    );
    return training.stopReason === 'interrupted' ? 130 : 0;
  },
};
