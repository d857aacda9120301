/**
 * `npm run bench:continual`: learning without forgetting, measured side by side (not a test).
 *
 * Two scenarios on DeepPCB, each from a shipped base model trained without the new data
 * (models/continual/, commands in models/README.md):
 *   1. new-class: the base never saw pin-hole labelled; 30 labelled frames with pin-holes arrive.
 *   2. new-variant: the base never saw the boards of groups 44000 and 50600; 50 labelled frames arrive.
 * For each, in this one process with the same seed and the same number of optimisation steps:
 * naive (new data only), replay, replay + distillation, and joint (all the base's training data plus
 * the new data: the upper bound). Each fine-tuned model is scored on frames no run trained on:
 *   old AP: the DeepPCB benchmark AP (IoU > 0.33, same class) over the old classes on the base's
 *           validation split (1), or over every class on the old groups' validation boards (2);
 *   new AP: the same AP for pin-hole on the base's validation split (1), or over every class on
 *           the new groups' held-out frames (2).
 * No run picks anything on these frames: every run ships its last weights (no best-epoch choice).
 *
 *   npm run bench:continual -- [--data PATH] [--out DIR] [--steps N] [--seed N] [--scenarios new-class,new-variant]
 *                              [--methods naive,replay,replay-distill,joint,joint-oracle] [--bases DIR] [--resume]
 *
 * Results (one JSON per run) go to --out (default tmp/bench/continual); --resume keeps finished runs.
 * The last line is the issue's figure line.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  DEFAULT_FINE_TUNE_SETTINGS,
  deepPcbApOver,
  DEFAULT_TRAINER_CONFIG,
  fineTuneDetector,
  mixReplay,
  folderPackageFiles,
  formatDuration,
  loadModelPackage,
  loadTrainingData,
  loadTrainingImages,
  parentTrainerConfig,
  predictLoadedSamplesOnnx,
  selectTfBackend,
  silentVisionLogger,
  splitTrainValidation,
  hashStringWithSeed,
  type FineTuneData,
  type FineTuneMethod,
  type LabelledSample,
  type LoadedSample,
  type ModelPackage,
  type TrainerConfig,
} from '../src';
import { benchFlags } from './bench-args';

const SCENARIOS = ['new-class', 'new-variant'] as const;
type Scenario = (typeof SCENARIOS)[number];
/**
 * `joint-oracle` is joint with the old frames' labels for the new class restored: only the new-class
 * scenario has any to restore. Its old frames show unlabelled pin-holes to joint (the line's real
 * labels), which teaches pin-hole as background; the oracle is the upper bound the ratio is taken
 * against there. In the new-variant scenario joint already is that bound.
 */
type BenchMethod = FineTuneMethod | 'joint-oracle';
const METHODS: readonly BenchMethod[] = ['naive', 'replay', 'replay-distill', 'joint', 'joint-oracle'];
const NEW_CLASS = 'pin-hole';
const NEW_GROUPS = ['44000', '50600'];
/** The data's seed: the bases' split, which frames arrive, which are held out. Fixed, so runs compare. */
const SEED = 1;

interface Args {
  data: string;
  out: string;
  steps: number;
  /** The fine-tunes' seed (exemplars, head growth, crops and augmentation); the data stay the same. */
  seed: number;
  scenarios: Scenario[];
  methods: BenchMethod[];
  /** Where the two base packages are (base-no-pin-hole/, base-five-groups/). */
  bases: string;
  resume: boolean;
}

function parseArgs(argv: string[]): Args {
  const { value, list, whole } = benchFlags(argv);
  const steps = whole('steps', 300, 1);
  const seed = whole('seed', 1, 0);
  return {
    data: path.resolve(value('data') ?? path.join('..', 'shared', 'datasets', 'deeppcb')),
    out: path.resolve(value('out') ?? path.join('tmp', 'bench', 'continual')),
    steps,
    seed,
    scenarios: list('scenarios', SCENARIOS),
    methods: list('methods', METHODS),
    bases: path.resolve(value('bases') ?? path.join('models', 'continual')),
    resume: argv.includes('--resume'),
  };
}

interface Setup {
  readonly scenario: Scenario;
  readonly parentDir: string;
  readonly parent: ModelPackage;
  readonly newData: FineTuneData;
  readonly replayData: FineTuneData;
  /** Scored frames, loaded with every class labelled. */
  readonly oldReport: readonly LoadedSample[];
  readonly newReport: readonly LoadedSample[];
  readonly oldClasses: readonly string[];
  readonly newClasses: readonly string[];
  readonly description: string;
}

interface RunResult {
  readonly scenario: Scenario;
  readonly method: BenchMethod | 'base';
  readonly oldAp: number;
  readonly newAp: number;
  readonly wallSeconds: number;
  readonly imagesPerSecond: number;
  readonly steps: number;
  readonly epochs: number;
}

/** `count` samples picked by a seeded hash of their ids (order-independent, reproducible). */
function pick<T extends { id: string }>(samples: readonly T[], count: number, seed: number): T[] {
  return [...samples]
    .sort((a, b) => hashStringWithSeed(a.id, seed) - hashStringWithSeed(b.id, seed) || (a.id < b.id ? -1 : 1))
    .slice(0, count);
}

async function setUp(scenario: Scenario, dataPath: string, bases: string): Promise<Setup> {
  const source = `deeppcb:${path.relative(process.cwd(), dataPath)}`;
  if (scenario === 'new-class') {
    const parentDir = path.join(bases, 'base-no-pin-hole');
    const parent = await loadModelPackage(folderPackageFiles(parentDir));
    // The base's own split (seed 1, 20 %, by group): its training frames are the replay source.
    const data = await loadTrainingData({ kind: 'deeppcb', path: dataPath }, { seed: SEED, validationFraction: 0.2 });
    const withNew = data.train.filter((s) => s.boxes.some((b) => b.className === NEW_CLASS));
    const arrived = pick(withNew, 30, SEED);
    const shown = pick(
      data.validation.filter((s) => s.boxes.some((b) => b.className === NEW_CLASS)),
      50,
      SEED,
    );
    const classes = [...parent.metadata.classes, NEW_CLASS];
    const report = await load(data.validation, parent, classes);
    return {
      scenario,
      parentDir,
      parent,
      newData: {
        source: `${source} (30 training frames with ${NEW_CLASS})`,
        classes: data.classes,
        train: arrived,
        validation: shown,
        split: `30 of the ${withNew.length} training-split frames with ${NEW_CLASS}, seed ${SEED}`,
      },
      replayData: { source, classes: data.classes, train: data.train, validation: data.validation, split: data.split },
      oldReport: report,
      newReport: report,
      oldClasses: parent.metadata.classes,
      newClasses: [NEW_CLASS],
      description: `new class ${NEW_CLASS}: 30 labelled frames from the base's training split (where ${NEW_CLASS} was never labelled); scored on the base's ${data.validation.length} validation frames`,
    };
  }
  const parentDir = path.join(bases, 'base-five-groups');
  const parent = await loadModelPackage(folderPackageFiles(parentDir));
  const old = await loadTrainingData(
    { kind: 'deeppcb', path: dataPath },
    { seed: SEED, validationFraction: 0.2, excludeGroups: NEW_GROUPS },
  );
  const fresh = await loadTrainingData({ kind: 'deeppcb', path: dataPath }, { seed: SEED, validationFraction: 0.2, groups: NEW_GROUPS });
  const pool = [...fresh.train, ...fresh.validation];
  const split = splitTrainValidation(pool, { seed: SEED, validationFraction: 0.5 });
  const classes = parent.metadata.classes;
  return {
    scenario,
    parentDir,
    parent,
    newData: {
      source: `${source} (groups ${NEW_GROUPS.join(', ')})`,
      classes: fresh.classes,
      train: split.train,
      validation: split.validation,
      split: `the ${pool.length} frames of groups ${NEW_GROUPS.join(', ')}, half for training by group, seed ${SEED}`,
    },
    replayData: { source, classes: old.classes, train: old.train, validation: old.validation, split: old.split },
    oldReport: await load(old.validation, parent, classes),
    newReport: await load(split.validation, parent, classes),
    oldClasses: classes,
    newClasses: classes,
    description: `new variant (groups ${NEW_GROUPS.join(', ')}): ${split.train.length} labelled frames; scored on the old groups' ${old.validation.length} validation boards and the new groups' ${split.validation.length} held-out frames`,
  };
}

async function load(samples: readonly LabelledSample[], parent: ModelPackage, classes: readonly string[]): Promise<LoadedSample[]> {
  const { input, template } = parent.metadata.spec;
  const loaded = await loadTrainingImages(samples, {
    width: input.width,
    height: input.height,
    channels: input.channels,
    templateMode: template,
    classes,
  });
  if (loaded.skipped.length > 0)
    throw new Error(`${loaded.skipped.length} frame(s) could not be read, e.g. ${loaded.skipped[0]?.id}: ${loaded.skipped[0]?.reason}`);
  return loaded.images;
}

async function score(
  setup: Setup,
  spec: ModelPackage['metadata']['spec'],
  weights: ModelPackage['weights'],
): Promise<{ oldAp: number; newAp: number }> {
  const options = {
    classes: spec.classes,
    scoreThreshold: 0.05,
    iouThreshold: setup.parent.metadata.postprocessing.nmsIouThreshold,
    threads: 2,
  };
  const oldPredictions = await predictLoadedSamplesOnnx(spec, weights, setup.oldReport, options);
  const newPredictions =
    setup.newReport === setup.oldReport ? oldPredictions : await predictLoadedSamplesOnnx(spec, weights, setup.newReport, options);
  const newClasses = setup.newClasses.filter((c) => spec.classes.includes(c));
  return {
    oldAp: deepPcbApOver(oldPredictions, setup.oldClasses),
    newAp: newClasses.length === 0 ? 0 : deepPcbApOver(newPredictions, newClasses),
  };
}

/** Epochs that make `steps` optimisation steps for a training set of `images` images. */
function epochsFor(steps: number, images: number, config: TrainerConfig): number {
  const perEpoch = Math.max(1, Math.floor((images * config.cropsPerImage) / config.batchSize));
  return Math.max(1, Math.round(steps / perEpoch));
}

async function run(setup: Setup, benchMethod: BenchMethod, args: Args): Promise<RunResult> {
  const inherited = parentTrainerConfig(setup.parent);
  const method: FineTuneMethod = benchMethod === 'joint-oracle' ? 'joint' : benchMethod;
  const settings = {
    ...DEFAULT_FINE_TUNE_SETTINGS,
    method,
    oldValidationLimit: setup.scenario === 'new-variant' ? 50 : 0,
    oldLabels: benchMethod === 'joint-oracle' ? ('as-given' as const) : ('parent' as const),
  };
  // Images per epoch for each method, to give every method the same number of steps.
  const fresh = setup.newData.train.length;
  const exemplars = settings.exemplarBudget;
  const images =
    method === 'naive'
      ? fresh
      : method === 'joint'
        ? setup.replayData.train.length
        : mixReplay(new Array<number>(fresh).fill(0), new Array<number>(exemplars).fill(0), settings.replayShare).samples.length;
  const config: TrainerConfig = {
    ...inherited,
    learningRate: 1e-3,
    warmupEpochs: 0.5,
    emaDecay: 0.99,
    patience: 0,
    ship: 'last',
    seed: args.seed,
    maxMinutes: 10,
    progressEverySeconds: 60,
    validationBatchSize: 8,
    epochs: epochsFor(args.steps, images, inherited),
  };
  const runDir = path.join(args.out, 'runs', `${setup.scenario}-${benchMethod}`);
  const started = Date.now();
  const result = await fineTuneDetector({
    parent: setup.parent,
    newData: setup.newData,
    replayData: setup.replayData,
    settings,
    config,
    runDir,
    command: `npm run bench:continual (${setup.scenario}, ${benchMethod})`,
    log: (line) => process.stdout.write(`  [${setup.scenario} ${benchMethod}] ${line}\n`),
  });
  const wallSeconds = (Date.now() - started) / 1000;
  const { oldAp, newAp } = await score(setup, result.spec, result.weights);
  return {
    scenario: setup.scenario,
    method: benchMethod,
    oldAp,
    newAp,
    wallSeconds,
    imagesPerSecond: result.training.trainImagesPerSecond,
    steps: result.training.state.globalStep,
    epochs: result.training.state.epoch,
  };
}

const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '—');

function table(results: readonly RunResult[]): string {
  const lines = [
    '| scenario | method | old AP | Δ old (pts) | new AP | new / upper bound | wall | train img/s | steps (epochs) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const base = results.find((b) => b.scenario === r.scenario && b.method === 'base');
    const bound = upperBound(results, r.scenario);
    const drop = base && r.method !== 'base' ? ((r.oldAp - base.oldAp) * 100).toFixed(2) : '—';
    const ratio = bound && r.method !== 'base' && bound.newAp > 0 ? (r.newAp / bound.newAp).toFixed(3) : '—';
    lines.push(
      `| ${r.scenario} | ${r.method} | ${f4(r.oldAp)} | ${drop} | ${f4(r.newAp)} | ${ratio} | ${r.method === 'base' ? '—' : formatDuration(r.wallSeconds * 1000)} | ` +
        `${r.method === 'base' ? '—' : r.imagesPerSecond.toFixed(1)} | ${r.method === 'base' ? '—' : `${r.steps} (${r.epochs})`} |`,
    );
  }
  return lines.join('\n');
}

/** The run new AP is measured against: joint-oracle where the scenario has one, else joint. */
function upperBound(results: readonly RunResult[], scenario: Scenario): RunResult | undefined {
  return (
    results.find((r) => r.scenario === scenario && r.method === 'joint-oracle') ??
    results.find((r) => r.scenario === scenario && r.method === 'joint')
  );
}

/** The issue's figure line; NaN where a run it needs is missing. */
function figureLine(results: readonly RunResult[], scenarios: readonly Scenario[]): string {
  const of = (s: Scenario, m: RunResult['method']) => results.find((r) => r.scenario === s && r.method === m);
  const drop = (s: Scenario, m: BenchMethod) => {
    const base = of(s, 'base');
    const r = of(s, m);
    return base && r ? (base.oldAp - r.oldAp) * 100 : NaN;
  };
  const ratio = (s: Scenario) => {
    const r = of(s, 'replay-distill');
    const j = upperBound(results, s);
    return r && j && j.newAp > 0 ? r.newAp / j.newAp : NaN;
  };
  // A scenario without its figure makes the worst unknown: NaN, not the other scenario's value.
  const worst = (values: number[], pickWorst: (a: number, b: number) => number) =>
    values.some(Number.isNaN) ? NaN : values.reduce((a, b) => pickWorst(a, b));
  const oldDrop = worst(
    scenarios.map((s) => drop(s, 'replay-distill')),
    Math.max,
  );
  const newRatio = worst(scenarios.map(ratio), Math.min);
  const naiveDrop = worst(
    scenarios.map((s) => drop(s, 'naive')),
    Math.max,
  );
  const minutes = worst(
    scenarios.map((s) => (of(s, 'replay-distill')?.wallSeconds ?? NaN) / 60),
    Math.max,
  );
  const v = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : 'NaN');
  return `continual old_drop_pts=${v(oldDrop, 2)} new_ap_ratio=${v(newRatio, 3)} naive_old_drop_pts=${v(naiveDrop, 2)} finetune_min=${v(minutes, 2)}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(path.join(args.data, 'trainval.txt'))) {
    throw new Error(`no DeepPCB data set at ${args.data} (want its trainval.txt): pass --data PATH to your copy of DeepPCB`);
  }
  const backend = await selectTfBackend({ logger: silentVisionLogger });
  await mkdir(args.out, { recursive: true });
  const resultsFile = path.join(args.out, 'results.json');
  const kept: RunResult[] = args.resume && existsSync(resultsFile) ? (JSON.parse(await readFile(resultsFile, 'utf8')) as RunResult[]) : [];
  const results: RunResult[] = [...kept];
  const save = () => writeFile(resultsFile, `${JSON.stringify(results, null, 1)}\n`);
  const applies = (scenario: Scenario, method: BenchMethod) => method !== 'joint-oracle' || scenario === 'new-class';
  const total = args.scenarios.reduce((n, scenario) => n + args.methods.filter((m) => applies(scenario, m)).length, 0);
  const started = Date.now();
  let done = 0;
  process.stdout.write(
    `bench:continual — TF.js ${backend.choice}; seed ${args.seed}; ${args.steps} steps per fine-tune (batch ${DEFAULT_TRAINER_CONFIG.batchSize} unless the base recorded another); data ${args.data}\n`,
  );
  for (const scenario of args.scenarios) {
    const setup = await setUp(scenario, args.data, args.bases);
    process.stdout.write(`\n${scenario}: ${setup.description}; base ${setup.parent.metadata.name}@${setup.parent.metadata.version}\n`);
    if (!results.some((r) => r.scenario === scenario && r.method === 'base')) {
      const base = await score(setup, setup.parent.metadata.spec, setup.parent.weights);
      results.push({ scenario, method: 'base', ...base, wallSeconds: 0, imagesPerSecond: 0, steps: 0, epochs: 0 });
      await save();
    }
    for (const method of args.methods) {
      if (!applies(scenario, method)) continue; // joint-oracle: nothing to restore, joint is the bound
      if (results.some((r) => r.scenario === scenario && r.method === method)) {
        done++;
        process.stdout.write(`  ${method}: kept from an earlier run (--resume)\n`);
        continue;
      }
      const result = await run(setup, method, args);
      results.push(result);
      await save();
      done++;
      const elapsed = Date.now() - started;
      const left = total - done;
      process.stdout.write(
        `  ${scenario} ${method}: old AP ${f4(result.oldAp)}, new AP ${f4(result.newAp)}, ${formatDuration(result.wallSeconds * 1000)} ` +
          `[${done}/${total} runs, elapsed ${formatDuration(elapsed)}, ETA ${formatDuration(left * (elapsed / Math.max(1, done - kept.filter((k) => k.method !== 'base').length)))}]\n`,
      );
    }
  }
  const order = (r: RunResult) => SCENARIOS.indexOf(r.scenario) * 10 + ['base', ...METHODS].indexOf(r.method);
  const sorted = [...results].sort((a, b) => order(a) - order(b));
  process.stdout.write(`\n${table(sorted)}\n\n`);
  process.stdout.write(`command: npm run bench:continual -- ${process.argv.slice(2).join(' ')}\n`);
  process.stdout.write(`${figureLine(sorted, args.scenarios)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:continual failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
