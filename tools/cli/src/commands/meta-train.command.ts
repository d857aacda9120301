import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  describeTrainingDataSource,
  folderPackageFiles,
  loadTrainingData,
  META_INITS,
  metaInitSpec,
  metaTrain,
  openRunLog,
  parseSyntheticTaskSource,
  parseTrainingDataSource,
  saveMetaInitPackage,
  selectTfBackend,
  stderrJsonVisionLogger,
  TaskSampler,
  type MetaInitKind,
  type TaskSource,
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
import { resolveSpec } from './model-options';

/** Task sources when none are given: the synthetic feeds whose frames are like each init's lines. */
export const DEFAULT_META_SOURCES: Record<MetaInitKind, readonly string[]> = {
  template: ['synthetic:pcb', 'synthetic:factory'],
  plain: ['synthetic:medical', 'synthetic:driving', 'synthetic:factory'],
};

const spec: CommandSpec = {
  name: 'meta-train',
  summary: 'meta-learn a few-shot initialisation (Reptile) over sampled tasks, never on the excluded feeds',
  usage:
    'argus meta-train --out DIR --exclude ID[,ID…] [--init template|plain] [--sources SRC,…] [--steps N] [--minutes M] [--resume] [options]',
  options: {
    out: { type: 'string', valueName: 'DIR', required: true, description: 'folder for the initialisation’s model package' },
    init: {
      type: 'string',
      valueName: 'KIND',
      description: 'template (grey, stack-difference) or plain (RGB, no template)',
      default: 'plain',
    },
    spec: {
      type: 'string',
      valueName: 'FILE',
      description: 'another architecture (JSON): its input and template mode win, its classes are replaced by the init’s slots',
    },
    sources: {
      type: 'string',
      valueName: 'SRC,…',
      description: `task sources: synthetic:FEED, deeppcb:PATH, voc:PATH, manifest:PATH (default template: ${DEFAULT_META_SOURCES.template.join(',')}; plain: ${DEFAULT_META_SOURCES.plain.join(',')})`,
    },
    exclude: {
      type: 'string',
      valueName: 'ID,…',
      required: true,
      description:
        'what the init will be evaluated on, never sampled: a source as spelt in --sources, or one group of it (deeppcb:PATH#44000)',
    },
    steps: { type: 'string', valueName: 'N', description: 'meta-steps (the ε schedule spans them)', default: '300' },
    minutes: { type: 'string', valueName: 'M', description: 'stop after M minutes of wall time (checkpoint kept, package written)' },
    resume: { type: 'boolean', description: 'continue the run in --run-dir from its last meta-step' },
    'meta-batch': { type: 'string', valueName: 'N', description: 'tasks per meta-step', default: '2' },
    shots: { type: 'string', valueName: 'K', description: 'support frames per task', default: '5' },
    queries: { type: 'string', valueName: 'Q', description: 'query frames per task (progress figure)', default: '3' },
    'inner-epochs': { type: 'string', valueName: 'N', description: 'epochs of each task’s inner loop', default: '2' },
    epsilon: { type: 'string', valueName: 'A,B', description: 'meta step size ε, decaying linearly from A to B', default: '1,0.1' },
    size: { type: 'string', valueName: 'N', description: 'synthetic scene size in pixels', default: '256' },
    seed: { type: 'string', valueName: 'N', description: 'seed of tasks, initial weights and inner loops', default: '1' },
    'run-dir': { type: 'string', valueName: 'DIR', description: 'the run’s checkpoint (default tmp/runs/<name of --out>)' },
    'no-onnx': { type: 'boolean', description: 'skip the ONNX export' },
    'progress-seconds': { type: 'string', valueName: 'S', description: 'seconds between progress lines', default: '30' },
  },
  examples: [
    'argus meta-train --init plain --exclude voc:../shared/datasets/bccd --out models/meta-init-plain --minutes 60',
    'argus meta-train --init template --sources synthetic:pcb,deeppcb:../shared/datasets/deeppcb --exclude deeppcb:../shared/datasets/deeppcb#44000 --out tmp/meta-template --steps 500',
  ],
};

/** Loads a `--sources` entry: synthetic feeds are generated per task; a data set is loaded whole (both splits). */
async function loadSource(text: string, seed: number): Promise<TaskSource> {
  const synthetic = parseSyntheticTaskSource(text);
  if (synthetic) return synthetic;
  const source = parseTrainingDataSource(text);
  const data = await loadTrainingData(source, { seed });
  return { kind: 'dataset', id: describeTrainingDataSource(source), classes: data.classes, samples: [...data.train, ...data.validation] };
}

export const metaTrainCommand: CliCommand = {
  spec,
  interruptible: true,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const kind = choiceOption<MetaInitKind>(values, 'init', META_INITS) as MetaInitKind;
    const seed = numberOption(values, 'seed', { integer: true, min: 0 }) as number;
    const excluded = listOption(values, 'exclude') ?? [];
    if (excluded.length === 0) throw new UsageError('--exclude must name what the initialisation will be evaluated on');
    const epsilon = (listOption(values, 'epsilon') ?? []).map(Number);
    if (epsilon.length !== 2 || !epsilon.every((e) => e >= 0 && e <= 1)) {
      throw new UsageError(`--epsilon must be two numbers in [0, 1] (start,end), got "${stringOption(values, 'epsilon')}"`);
    }
    const sourceTexts = listOption(values, 'sources') ?? [...DEFAULT_META_SOURCES[kind]];
    const specFile = stringOption(values, 'spec');
    const initSpec = metaInitSpec(kind, undefined, specFile !== undefined ? await resolveSpec(undefined, specFile) : undefined);
    const sampler = new TaskSampler({
      sources: await Promise.all(sourceTexts.map((text) => loadSource(text, seed))),
      excluded,
      slots: initSpec.classes,
      shots: numberOption(values, 'shots', { integer: true, min: 1 }) as number,
      queries: numberOption(values, 'queries', { integer: true, min: 1 }) as number,
      size: numberOption(values, 'size', { integer: true, min: 64 }) as number,
      seed,
    });
    const out = path.resolve(requiredString(values, 'out'));
    const runDir = path.resolve(stringOption(values, 'run-dir') ?? path.join('tmp', 'runs', path.basename(out)));
    const command = ['npx', 'argus', ...context.commandLine].map(shellQuote).join(' ');
    const { file: logFile, log } = await openRunLog(runDir, 'meta-train.log', command, (line) => context.out(line));
    const backend = await selectTfBackend({ logger: stderrJsonVisionLogger });
    context.out(
      `argus meta-train: TensorFlow.js backend ${backend.choice}; init ${kind} (${initSpec.name}); excluded ${excluded.join(', ')}; run folder ${runDir}`,
    );
    const minutes = numberOption(values, 'minutes', { min: 0 });
    const input = {
      spec: initSpec,
      sampler,
      metaSteps: numberOption(values, 'steps', { integer: true, min: 1 }) as number,
      ...(minutes !== undefined ? { maxMinutes: minutes } : {}),
      metaBatch: numberOption(values, 'meta-batch', { integer: true, min: 1 }) as number,
      epsilon: { initial: epsilon[0] as number, final: epsilon[1] as number },
      inner: { epochs: numberOption(values, 'inner-epochs', { integer: true, min: 1 }) as number },
      seed,
      runDir,
      resume: values['resume'] === true,
      command,
      log,
      shouldStop: context.interrupted,
      progressEverySeconds: numberOption(values, 'progress-seconds', { min: 0 }) as number,
    };
    const result = await metaTrain(input);
    await saveMetaInitPackage({
      result,
      input,
      excluded,
      out: folderPackageFiles(out),
      argusVersion: context.argusVersion,
      exportOnnx: values['no-onnx'] !== true,
      trainingLog: await readFile(logFile, 'utf8'),
    });
    context.out(`meta-init ${initSpec.name}: ${result.metaSteps} meta-step(s) (${result.stopReason}); package ${out}`);
    return result.stopReason === 'interrupted' ? 130 : 0;
  },
};
