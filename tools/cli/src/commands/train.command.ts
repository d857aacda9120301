import * as path from 'node:path';
import {
  DEFAULT_TRAINER_CONFIG,
  folderPackageFiles,
  formatDuration,
  parseTrainingDataSource,
  runTrainingPipeline,
  selectTfBackend,
  stderrJsonVisionLogger,
  type SelectionMetric,
  type TrainerConfig,
} from '@argus/vision';
import {
  choiceOption,
  listOption,
  numberOption,
  parseCommandArgs,
  formatHelp,
  requiredString,
  shellQuote,
  sizeOption,
  stringOption,
  type CommandSpec,
} from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';
import { resolveSpec } from './model-options';

const spec: CommandSpec = {
  name: 'train',
  summary: 'train a detector and write a model package (TF.js weights, ONNX, metadata)',
  usage: 'argus train --data SOURCE (--feed FEED | --spec FILE) --out DIR [options]',
  options: {
    data: { type: 'string', valueName: 'SOURCE', required: true, description: 'deeppcb:PATH, voc:PATH, manifest:PATH or synthetic:FEED' },
    feed: { type: 'string', valueName: 'FEED', description: "the feed's default architecture: factory, pcb, medical, driving" },
    spec: { type: 'string', valueName: 'FILE', description: 'an ArchitectureSpec JSON file (instead of --feed)' },
    out: { type: 'string', valueName: 'DIR', required: true, description: 'folder for the model package' },
    'run-dir': { type: 'string', valueName: 'DIR', description: 'checkpoints of the run (default tmp/runs/<name of --out>)' },
    resume: { type: 'boolean', description: 'continue the run in --run-dir from its last checkpoint' },
    epochs: { type: 'string', valueName: 'N', description: 'epochs', default: String(DEFAULT_TRAINER_CONFIG.epochs) },
    'batch-size': { type: 'string', valueName: 'N', description: 'images per step', default: String(DEFAULT_TRAINER_CONFIG.batchSize) },
    lr: { type: 'string', valueName: 'X', description: 'peak learning rate', default: String(DEFAULT_TRAINER_CONFIG.learningRate) },
    'warmup-epochs': {
      type: 'string',
      valueName: 'X',
      description: 'linear warm-up length',
      default: String(DEFAULT_TRAINER_CONFIG.warmupEpochs),
    },
    'weight-decay': {
      type: 'string',
      valueName: 'X',
      description: 'AdamW weight decay on kernels',
      default: String(DEFAULT_TRAINER_CONFIG.weightDecay),
    },
    crop: {
      type: 'string',
      valueName: 'N|WxH',
      description: 'train on random crops of this size (model-input pixels) instead of whole images',
    },
    'crops-per-image': { type: 'string', valueName: 'N', description: 'crops of every image per epoch', default: '1' },
    'box-centred': { type: 'string', valueName: 'F', description: 'share of crops centred on a labelled box', default: '0.5' },
    'max-shift': { type: 'string', valueName: 'PX', description: 'random shift of the crop window past the image edge', default: '8' },
    transpose: { type: 'boolean', description: 'also augment with x/y transposition (rotation-invariant parts like PCBs)' },
    'no-flip': { type: 'boolean', description: 'no horizontal/vertical flips' },
    brightness: { type: 'string', valueName: 'X', description: 'brightness jitter, fraction of full scale', default: '0.1' },
    contrast: { type: 'string', valueName: 'X', description: 'contrast jitter, 1 ± X', default: '0.2' },
    'ema-decay': {
      type: 'string',
      valueName: 'X',
      description: 'EMA of the weights (0: off)',
      default: String(DEFAULT_TRAINER_CONFIG.emaDecay),
    },
    seed: { type: 'string', valueName: 'N', description: 'seed of the split, initialisation and augmentation', default: '1' },
    'val-fraction': { type: 'string', valueName: 'F', description: 'share of a real data set held out for validation', default: '0.2' },
    groups: {
      type: 'string',
      valueName: 'G1,G2',
      description: 'real data sets: train and validate on these groups only (DeepPCB board groups)',
    },
    'exclude-groups': { type: 'string', valueName: 'G1,G2', description: 'real data sets: leave these groups out' },
    'synthetic-count': { type: 'string', valueName: 'N', description: 'synthetic training scenes', default: '600' },
    'synthetic-val-count': { type: 'string', valueName: 'N', description: 'synthetic validation scenes', default: '120' },
    patience: {
      type: 'string',
      valueName: 'N',
      description: 'early stopping after N epochs without improvement (0: off)',
      default: String(DEFAULT_TRAINER_CONFIG.patience),
    },
    'max-minutes': { type: 'string', valueName: 'M', description: 'stop (checkpoint kept, model packaged) after M minutes of wall time' },
    'selection-metric': {
      type: 'string',
      valueName: 'M',
      description: 'deeppcb-ap or map50 (default deeppcb-ap for deeppcb data, else map50)',
    },
    'no-onnx': { type: 'boolean', description: 'skip the ONNX export' },
    name: { type: 'string', valueName: 'NAME', description: "the model's name (default the spec's)" },
    'model-version': { type: 'string', valueName: 'V', description: "the model's version (default a UTC timestamp)" },
    'progress-seconds': { type: 'string', valueName: 'S', description: 'seconds between progress lines', default: '30' },
  },
  examples: [
    'argus train --data synthetic:factory --feed factory --out models/factory --epochs 12 --crop 128',
    'argus train --data deeppcb:../shared/datasets/deeppcb --feed pcb --out models/deeppcb --crop 160 --transpose --max-minutes 75',
  ],
};

export const trainCommand: CliCommand = {
  spec,
  interruptible: true,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const data = parseTrainingDataSource(requiredString(values, 'data'));
    const groups = listOption(values, 'groups');
    const excludeGroups = listOption(values, 'exclude-groups');
    const architecture = await resolveSpec(stringOption(values, 'feed'), stringOption(values, 'spec'));
    const out = path.resolve(requiredString(values, 'out'));
    const runDir = path.resolve(stringOption(values, 'run-dir') ?? path.join('tmp', 'runs', path.basename(out)));
    const selection =
      choiceOption<SelectionMetric>(values, 'selection-metric', ['deeppcb-ap', 'map50']) ??
      (data.kind === 'deeppcb' ? 'deeppcb-ap' : 'map50');
    const maxMinutes = numberOption(values, 'max-minutes', { min: 0 });
    const crop = sizeOption(values, 'crop');
    const noFlip = values['no-flip'] === true;
    const config: TrainerConfig = {
      ...DEFAULT_TRAINER_CONFIG,
      epochs: numberOption(values, 'epochs', { integer: true, min: 1 }) as number,
      batchSize: numberOption(values, 'batch-size', { integer: true, min: 1, max: 256 }) as number,
      learningRate: numberOption(values, 'lr', { min: 1e-7, max: 1 }) as number,
      warmupEpochs: numberOption(values, 'warmup-epochs', { min: 0 }) as number,
      weightDecay: numberOption(values, 'weight-decay', { min: 0, max: 1 }) as number,
      ...(crop ? { crop } : {}),
      cropsPerImage: numberOption(values, 'crops-per-image', { integer: true, min: 1, max: 64 }) as number,
      augmentation: {
        boxCentredFraction: numberOption(values, 'box-centred', { min: 0, max: 1 }) as number,
        maxShift: numberOption(values, 'max-shift', { integer: true, min: 0 }) as number,
        horizontalFlip: !noFlip,
        verticalFlip: !noFlip,
        transpose: values['transpose'] === true,
        brightness: numberOption(values, 'brightness', { min: 0, max: 1 }) as number,
        contrast: numberOption(values, 'contrast', { min: 0, max: 1 }) as number,
      },
      emaDecay: numberOption(values, 'ema-decay', { min: 0, max: 0.99999 }) as number,
      seed: numberOption(values, 'seed', { integer: true, min: 0 }) as number,
      patience: numberOption(values, 'patience', { integer: true, min: 0 }) as number,
      ...(maxMinutes !== undefined ? { maxMinutes } : {}),
      selectionMetric: selection,
      progressEverySeconds: numberOption(values, 'progress-seconds', { min: 1 }) as number,
    };
    const backend = await selectTfBackend({ logger: stderrJsonVisionLogger });
    context.out(`argus train: TensorFlow.js backend ${backend.choice}; architecture ${architecture.name}; run folder ${runDir}`);
    const started = Date.now();
    const result = await runTrainingPipeline({
      spec: architecture,
      data,
      dataOptions: {
        seed: config.seed,
        validationFraction: numberOption(values, 'val-fraction', { min: 0, max: 0.9 }) as number,
        syntheticCount: numberOption(values, 'synthetic-count', { integer: true, min: 1 }) as number,
        syntheticValidationCount: numberOption(values, 'synthetic-val-count', { integer: true, min: 0 }) as number,
        ...(groups ? { groups } : {}),
        ...(excludeGroups ? { excludeGroups } : {}),
      },
      config,
      runDir,
      out: folderPackageFiles(out),
      resume: values['resume'] === true,
      command: ['npx', 'argus', ...context.commandLine].map(shellQuote).join(' '),
      argusVersion: context.argusVersion,
      backend: backend.choice,
      exportOnnx: values['no-onnx'] !== true,
      ...(stringOption(values, 'name') ? { name: stringOption(values, 'name') as string } : {}),
      ...(stringOption(values, 'model-version') ? { version: stringOption(values, 'model-version') as string } : {}),
      log: (line) => context.out(line),
      shouldStop: context.interrupted,
    });
    const v = result.package.metadata.metrics.validation;
    context.out(
      [
        `trained ${result.package.metadata.name} ${result.package.metadata.version} (${result.training.stopReason}): ` +
          `${formatDuration(result.training.state.trainingSeconds * 1000)} in training steps, ` +
          `${result.training.state.wallSeconds === null ? 'wall time not recorded' : `${formatDuration(result.training.state.wallSeconds * 1000)} wall`} over the run; ` +
          `this invocation ${formatDuration(Date.now() - started)}`,
        `  validation (${v?.imageCount ?? 0} images): DeepPCB AP ${v?.deepPcbAp?.toFixed(4) ?? '—'}, F-score ${v?.deepPcbFScore?.toFixed(4) ?? '—'}, mAP@0.5 ${v?.map50?.toFixed(4) ?? '—'}, mAP@[.5:.95] ${v?.map?.toFixed(4) ?? '—'}`,
        `  training ${result.training.trainImagesPerSecond.toFixed(1)} images/s; package ${out}`,
      ].join('\n'),
    );
    return result.training.stopReason === 'interrupted' ? 130 : 0;
  },
};
