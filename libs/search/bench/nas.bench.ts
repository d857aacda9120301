/**
 * `npm run bench:nas`: the three controllers of architecture search at equal budget, then the best
 * point fully trained against the shipped model (not a test).
 *
 *   npm run bench:nas -- --data ../shared/datasets/deeppcb [--model models/deeppcb] [--out tmp/bench/nas]
 *                        [--trials 20] [--workers 2] [--controllers random,evolution,ppo] [--seed 1]
 *                        [--full-epochs 30] [--skip-full] [--quick]
 *
 * 1. Reference: the shipped model's spec timed as served (batch 8, 2 ONNX Runtime threads, the way
 *    `argus detect` serves), the paired-ratio reference of every trial.
 * 2. One search per controller, the same budget for each: `--trials` architectures (rung 0 of
 *    successive halving; the rung-0 top third go on to rung 1), the same seed, data, rungs, objective
 *    and workers (one per core). A trial trains on the search's own split of the shipped model's
 *    TRAINING part and is scored on the search's validation part; the shipped split's validation
 *    part is never read by a search.
 * 3. Each controller's front and hypervolume (reference point: AP 0 at twice the shipped latency).
 *    The points of the fronts are timed again alone on the machine as it is at the end, which gives
 *    the paired-ratio predictor's error.
 * 4. The best point: among every front point timed at or under the shipped latency, the highest
 *    search-validation AP. It is trained fully with `argus train --spec` and the shipped model's
 *    recipe (models/README.md), then it and the shipped model are scored the same way on the shipped
 *    split's 200 validation pairs — the split the shipped model picked its best epoch and NMS IoU
 *    on, which the found model's training does too (the same protocol for both) — and timed alone.
 *
 * Everything goes to --out and the run resumes where it stopped when started again with the same
 * options (searches from their state files, the full training from its checkpoints). `--quick` is
 * a CI-sized run on synthetic PCB scenes: tiny budgets, the default spec trained by the bench as the
 * reference model. The last line is the issue's figure line.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type ArchitectureSpec,
  countMacs,
  countParams,
  defaultSpec,
  DetectorRunner,
  evaluateModel,
  folderPackageFiles,
  loadModelPackage,
  loadTrainingData,
  parseTrainingDataSource,
  selectTfBackend,
  silentVisionLogger,
} from '@argus/vision';
import {
  CONTROLLER_KINDS,
  type ControllerKind,
  type FrontPoint,
  LocalTrialPool,
  hypervolume,
  measureServingLatency,
  renderFrontPng,
  renderFrontSvg,
  runLocalSearch,
  type SearchEngineSettings,
  type SearchObjective,
  type ProxyBudget,
  type TrialResult,
} from '../src';

interface Args {
  data: string;
  model: string | null;
  out: string;
  trials: number;
  workers: number;
  controllers: ControllerKind[];
  seed: number;
  fullEpochs: number;
  skipFull: boolean;
  quick: boolean;
}

const SERVING = { servingBatch: 8, servingThreads: 2 } as const;
/** The shipped recipe (models/README.md, deeppcb), but for the spec and the epochs. */
const FULL_RECIPE = [
  ...['--batch-size', '16', '--lr', '0.003', '--crop', '128', '--crops-per-image', '3', '--box-centred', '0.6'],
  ...['--transpose', '--brightness', '0.05', '--contrast', '0.1', '--seed', '1', '--progress-seconds', '60'],
];

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
    return v;
  };
  const int = (name: string, fallback: number, min: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got '${text}'`);
    return n;
  };
  const quick = argv.includes('--quick');
  const dataText = value('data') ?? (quick ? 'synthetic:pcb' : undefined);
  if (dataText === undefined) throw new Error('--data PATH is required (the DeepPCB folder), or --quick for synthetic scenes');
  const data = dataText.includes(':') ? dataText : `deeppcb:${dataText}`;
  const controllers = (value('controllers') ?? CONTROLLER_KINDS.join(',')).split(',') as ControllerKind[];
  const unknown = controllers.filter((c) => !CONTROLLER_KINDS.includes(c));
  if (unknown.length > 0) throw new Error(`--controllers: unknown ${unknown.join(', ')} (known: ${CONTROLLER_KINDS.join(', ')})`);
  return {
    data,
    model: value('model') ?? (quick ? null : 'models/deeppcb'),
    out: value('out') ?? (quick ? 'tmp/bench/nas-quick' : 'tmp/bench/nas'),
    trials: int('trials', quick ? 6 : 20, 2),
    workers: int('workers', Math.max(1, Math.min(2, os.availableParallelism())), 1),
    controllers,
    seed: int('seed', 1, 0),
    fullEpochs: int('full-epochs', quick ? 2 : 30, 1),
    skipFull: argv.includes('--skip-full'),
    quick,
  };
}

const rungsFor = (quick: boolean): ProxyBudget[] =>
  quick
    ? [
        { rung: 0, epochs: 1, trainImages: 24, cropsPerImage: 1 },
        { rung: 1, epochs: 2, trainImages: 24, cropsPerImage: 1 },
      ]
    : [
        { rung: 0, epochs: 3, trainImages: 320, cropsPerImage: 2 },
        { rung: 1, epochs: 5, trainImages: 480, cropsPerImage: 2 },
      ];

const log = (line: string) => console.log(`[nas ${new Date().toISOString().slice(11, 19)}] ${line}`);
const fmt = (v: number | null | undefined, digits = 4) =>
  v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits);
const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

async function readJson<T>(file: string): Promise<T | null> {
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as T) : null;
}
async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 1)}\n`);
}

/** Median of three quiet-ish measurements as served: one figure per model, reported with its spread. */
async function servedMs(spec: ArchitectureSpec): Promise<{ ms: number; runs: number[] }> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push((await measureServingLatency(spec, SERVING, { minSeconds: 3 })).msPerImage);
  return { ms: [...runs].sort((a, b) => a - b)[1] as number, runs };
}

interface Reference {
  spec: ArchitectureSpec;
  quietMs: number;
  runs: number[];
  loadAverage: number;
}

interface SearchRecord {
  controller: ControllerKind;
  trials: number;
  promoted: number;
  failed: number;
  wallSeconds: number;
  points: FrontPoint[];
  front: FrontPoint[];
  hypervolume: number;
  /** The specs of the front's points (what the end re-times and the best point trains). */
  specs: Record<string, ArchitectureSpec>;
}

async function runSearch(args: Args, controller: ControllerKind, reference: Reference, objective: SearchObjective): Promise<SearchRecord> {
  const file = path.join(args.out, `search-${controller}.json`);
  const done = await readJson<SearchRecord>(file);
  if (done) {
    log(`${controller}: already searched (${done.trials} trials, hypervolume ${fmt(done.hypervolume)}), kept`);
    return done;
  }
  const settings: SearchEngineSettings = {
    searchId: `bench-nas-${controller}-seed${args.seed}`,
    controller,
    seed: args.seed,
    base: reference.spec,
    objective,
    budget: { maxTrials: args.trials },
    rungs: rungsFor(args.quick),
    eta: 3,
    maxInFlight: args.workers,
    controllerOptions: {
      evolution: { populationSize: Math.max(2, Math.round(args.trials * 0.4)), sampleSize: Math.max(2, Math.round(args.trials * 0.15)) },
      ppo: { batchSize: Math.max(2, Math.round(args.trials / 5)) },
    },
  };
  const pool = await LocalTrialPool.start({
    workers: args.workers,
    data: args.data,
    ...(args.quick ? { dataOptions: { syntheticCount: 60, syntheticValidationCount: 12 } } : {}),
    objective: SERVING,
    reference: { spec: reference.spec, seed: 1, quietMs: reference.quietMs },
    nice: 10,
    log: (line) => log(`${controller} ${line}`),
  });
  const started = Date.now();
  let perTrial: number[] = [];
  try {
    const engine = await runLocalSearch({
      settings,
      stateFile: path.join(args.out, `search-${controller}.state.json`),
      trials: pool,
      progressEveryMs: 30_000,
      onResult: (result: TrialResult, counted: boolean) => {
        if (result.outcome === 'completed') {
          const m = result.measurement;
          perTrial = [...perTrial, m.trainSeconds + m.evalSeconds];
          log(
            `${controller} trial ${result.trialId.slice(0, 8)} rung ${result.rung}: AP ${fmt(m.ap)} at ${fmt(m.latencyMs, 2)} ms ` +
              `(${(m.params / 1e6).toFixed(3)} M params, ${(m.macs / 1e9).toFixed(3)} GMAC, ${Math.round(m.trainSeconds + m.evalSeconds)} s)` +
              (counted ? '' : ' — a duplicate, not counted'),
          );
        } else log(`${controller} trial ${result.trialId.slice(0, 8)} rung ${result.rung} failed: ${result.reason}`);
      },
      onProgress: (p) => {
        const mean = perTrial.length > 0 ? perTrial.reduce((a, b) => a + b, 0) / perTrial.length : null;
        // Rung-0 trials left plus the promotions they will earn (a third of them, η× longer each).
        const left = Math.max(0, args.trials - p.requested) * (1 + 1 / 3) + p.inFlight;
        const eta = mean === null ? 'n/a' : clock((left * mean) / args.workers);
        log(
          `${controller}: ${p.requested}/${args.trials} trials requested, ${p.completed} results, ${p.inFlight} running, ` +
            `best ${p.best ? `AP ${fmt(p.best.ap)} at ${fmt(p.best.latencyMs, 2)} ms` : 'none yet'}, front ${p.frontSize}, ` +
            `${p.trialsPerHour.toFixed(1)} trials/h, elapsed ${clock(p.elapsedSeconds)}, ETA ${eta}`,
        );
      },
    });
    const points = engine.points();
    const front = engine.front();
    const trials = engine.trials();
    const record: SearchRecord = {
      controller,
      trials: points.length,
      promoted: points.filter((p) => p.rung > 0).length,
      failed: trials.filter((t) => t.results.some((r) => r.outcome === 'failed')).length,
      wallSeconds: (Date.now() - started) / 1000,
      points,
      front,
      hypervolume: engine.hypervolume({ apRef: 0, latencyRefMs: 2 * reference.quietMs }),
      specs: Object.fromEntries(trials.filter((t) => front.some((p) => p.trialId === t.trialId)).map((t) => [t.trialId, t.spec])),
    };
    await writeJson(file, record);
    return record;
  } finally {
    await pool.close();
  }
}

/** `argus train` of a spec with the shipped recipe, resumable from its run folder. */
async function trainFully(args: Args, spec: ArchitectureSpec, name: string): Promise<string> {
  const dir = path.join(args.out, name);
  const out = path.join(dir, 'package');
  if (existsSync(path.join(out, 'metadata.json')) && existsSync(path.join(dir, 'done'))) {
    log(`${name}: already trained, kept`);
    return out;
  }
  await mkdir(dir, { recursive: true });
  const specFile = path.join(dir, 'spec.json');
  await writeFile(specFile, `${JSON.stringify(spec, null, 1)}\n`);
  const resume = existsSync(path.join(dir, 'run', 'run.json'));
  const argv = [
    'train',
    ...['--data', args.data, '--spec', specFile, '--out', out, '--run-dir', path.join(dir, 'run')],
    ...['--epochs', String(args.fullEpochs), ...FULL_RECIPE],
    ...(args.quick ? ['--crop', '64', '--crops-per-image', '1'] : []),
    ...(resume ? ['--resume'] : []),
  ];
  log(`${name}: argus ${argv.join(' ')}`);
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/cli/src/main.ts', ...argv], {
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`argus train of ${name} exited with ${code}; run the bench again to resume it`);
  await writeFile(path.join(dir, 'done'), `${new Date().toISOString()}\n`);
  return out;
}

/** AP of a package on the shipped split's validation part, through the served path (ONNX Runtime). */
async function validationAp(args: Args, packageDir: string): Promise<number> {
  const pkg = await loadModelPackage(folderPackageFiles(packageDir));
  const data = await loadTrainingData(parseTrainingDataSource(args.data), {
    seed: 1,
    validationFraction: 0.2,
  });
  const runner = await DetectorRunner.open(pkg, { runtime: 'onnxruntime', logger: silentVisionLogger });
  try {
    const { report } = await evaluateModel(runner, data.validation, { batchSize: 8 });
    return report.deepPcb?.allDetections.ap ?? report.coco.map50;
  } finally {
    await runner.dispose();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await mkdir(args.out, { recursive: true });
  const backend = await selectTfBackend({ env: process.env });
  log(`TF.js backend ${backend.choice}; ${args.workers} worker(s); out ${args.out}; data ${args.data}`);

  // 1. The reference: the shipped model's spec (or, quick, the default PCB spec), timed as served.
  const referenceFile = path.join(args.out, 'reference.json');
  let reference = await readJson<Reference>(referenceFile);
  if (!reference) {
    const spec = args.model ? (await loadModelPackage(folderPackageFiles(args.model))).metadata.spec : defaultSpec('pcb');
    const timed = await servedMs(spec);
    reference = { spec, quietMs: timed.ms, runs: timed.runs, loadAverage: os.loadavg()[0] as number };
    await writeJson(referenceFile, reference);
  }
  log(`reference ${reference.spec.name}: ${fmt(reference.quietMs, 2)} ms/image as served (load average ${fmt(reference.loadAverage, 1)})`);
  const objective: SearchObjective = { targetMs: 0.7 * reference.quietMs, alpha: -0.07, beta: -0.5, ...SERVING };

  // 2. One search per controller, the same budget each.
  const searched: SearchRecord[] = [];
  for (const controller of args.controllers) searched.push(await runSearch(args, controller, reference, objective));

  // 3. The reference and the fronts' points timed alone now. A trial's paired-ratio latency is its
  // ratio to the reference times the reference's figure at the start, when the machine may not
  // have been quiet: every latency is rescaled to the reference timed now, so all share one scale
  // (the ratios, and so the fronts and the rewards, are unchanged), and the predictor's error is
  // that of the ratio.
  const retimedFile = path.join(args.out, 'retimed.json');
  let retimed = await readJson<Record<string, number>>(retimedFile);
  if (!retimed) {
    retimed = {};
    const union = new Map<string, FrontPoint>();
    for (const s of searched) for (const p of s.front) union.set(p.trialId, p);
    const specs = new Map<string, ArchitectureSpec>(searched.flatMap((s) => Object.entries(s.specs)));
    for (const id of union.keys()) {
      const spec = specs.get(id);
      if (spec) retimed[id] = (await servedMs(spec)).ms;
    }
    retimed['reference'] = (await servedMs(reference.spec)).ms;
    await writeJson(retimedFile, retimed);
  }
  const defaultMs = retimed['reference'] as number;
  const scale = defaultMs / reference.quietMs;
  const hvReference = { apRef: 0, latencyRefMs: 2 * defaultMs };
  const rescale = (p: FrontPoint): FrontPoint => ({ ...p, latencyMs: p.latencyMs * scale });
  const searches: SearchRecord[] = searched.map((s) => {
    const front = s.front.map(rescale);
    return { ...s, points: s.points.map(rescale), front, hypervolume: hypervolume(front, hvReference) };
  });
  const errors = searches
    .flatMap((s) => s.front)
    .filter((p) => retimed[p.trialId] !== undefined)
    .map((p) => Math.abs(p.latencyMs - (retimed[p.trialId] as number)) / (retimed[p.trialId] as number));
  const meanError = errors.length > 0 ? errors.reduce((a, b) => a + b, 0) / errors.length : null;
  const maxError = errors.length > 0 ? Math.max(...errors) : null;

  // Proxy-trained search-validation AP: the shipped model has no such figure, so it is not marked here.
  const title = `Architecture search on ${args.quick ? 'synthetic PCB scenes' : 'DeepPCB'}: search-validation AP after proxy training`;
  const series = searches.map((s) => ({ label: `${s.controller} (HV ${fmt(s.hypervolume, 3)})`, points: s.points, front: s.front }));
  await writeFile(path.join(args.out, 'fronts.svg'), renderFrontSvg(series, { title }));
  await writeFile(path.join(args.out, 'fronts.png'), await renderFrontPng(series, { title }));

  // 4. The best point under the shipped latency, fully trained, against the shipped model.
  const candidates = searches
    .flatMap((s) => s.front.map((p) => ({ ...p, controller: s.controller, quietMs: retimed?.[p.trialId] ?? p.latencyMs })))
    .filter((p) => p.quietMs <= defaultMs)
    .sort((a, b) => b.ap - a.ap || a.quietMs - b.quietMs);
  const chosen = candidates[0] ?? null;
  let bestAp: number | null = null;
  let bestMs: number | null = null;
  let defaultAp: number | null = null;
  if (chosen) {
    const spec = searches.find((s) => s.controller === chosen.controller)?.specs[chosen.trialId];
    if (!spec) throw new Error(`the chosen trial ${chosen.trialId} has no spec in its search's record`);
    const named = { ...spec, name: `pcb-nas-${chosen.controller}-${chosen.trialId.slice(0, 8)}` };
    await writeJson(path.join(args.out, 'chosen.json'), {
      ...chosen,
      spec: named,
      params: countParams(named),
      macs: countMacs(named),
    });
    log(
      `chosen: ${chosen.controller} trial ${chosen.trialId.slice(0, 8)} (search-val AP ${fmt(chosen.ap)} at rung ${chosen.rung}, ` +
        `${fmt(chosen.quietMs, 2)} ms timed alone; ${(countParams(named) / 1e6).toFixed(3)} M params, ${(countMacs(named) / 1e9).toFixed(3)} GMAC)`,
    );
    if (!args.skipFull) {
      const found = await trainFully(args, named, 'best');
      bestAp = await validationAp(args, found);
      bestMs = (await servedMs((await loadModelPackage(folderPackageFiles(found))).metadata.spec)).ms;
      const shipped = args.model ?? (await trainFully(args, reference.spec, 'default'));
      defaultAp = await validationAp(args, shipped);
    }
  } else log(`no front point is timed at or under the shipped latency (${fmt(defaultMs, 2)} ms): nothing to train`);

  const final = {
    command: `npm run bench:nas -- ${process.argv.slice(2).join(' ')}`,
    objective,
    hypervolumeReference: { ap: 0, latencyMs: 2 * defaultMs },
    referenceAtStartMs: reference.quietMs,
    searches: searches.map(({ points: _p, specs: _s, ...rest }) => rest),
    latencyPredictor: { points: errors.length, meanAbsRelError: meanError, maxAbsRelError: maxError },
    chosen,
    best: { ap: bestAp, ms: bestMs },
    default: { ap: defaultAp, ms: defaultMs },
  };
  await writeJson(path.join(args.out, 'result.json'), final);

  console.log('');
  console.log(`command: ${final.command}`);
  console.log(
    `objective: AP × (latency / ${fmt(objective.targetMs, 2)} ms)^w, w = ${objective.alpha} under the target, ${objective.beta} over`,
  );
  console.log(
    `hypervolume reference point: AP 0 at ${fmt(2 * defaultMs, 2)} ms (twice the shipped spec's latency as served, timed at the end)`,
  );
  console.log('');
  console.log('| controller | trials | promoted | failed | wall | front | hypervolume | best search-val AP |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const s of searches) {
    const top = [...s.front].sort((a, b) => b.ap - a.ap)[0];
    console.log(
      `| ${s.controller} | ${s.trials} | ${s.promoted} | ${s.failed} | ${clock(s.wallSeconds)} | ${s.front.length} | ${fmt(s.hypervolume)} | ` +
        `${top ? `${fmt(top.ap)} at ${fmt(top.latencyMs, 2)} ms` : 'n/a'} |`,
    );
  }
  console.log('');
  console.log(
    `latency predictor (paired ratio) against timing alone at the end: mean |error| ${meanError === null ? 'n/a' : `${(100 * meanError).toFixed(1)}%`}, ` +
      `max ${maxError === null ? 'n/a' : `${(100 * maxError).toFixed(1)}%`} over ${errors.length} front point(s)`,
  );
  const hv = (k: ControllerKind) => fmt(searches.find((s) => s.controller === k)?.hypervolume);
  console.log(
    `nas hv_ppo=${hv('ppo')} hv_evolution=${hv('evolution')} hv_random=${hv('random')} best_ap=${fmt(bestAp)} best_ms=${fmt(bestMs, 2)} ` +
      `default_ap=${fmt(defaultAp)} default_ms=${fmt(defaultMs, 2)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
