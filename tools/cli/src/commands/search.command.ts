import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CONTROLLER_KINDS,
  type ControllerKind,
  type FrontPoint,
  LocalTrialPool,
  measureServingLatency,
  renderFrontPng,
  renderFrontSvg,
  runLocalSearch,
  type SearchEngine,
  type SearchEngineSettings,
  searchSettingsIssues,
} from '@argus/search';
import { countMacs, countParams, parseTrainingDataSource, type ArchitectureSpec } from '@argus/vision';
import {
  choiceOption,
  formatHelp,
  numberOption,
  parseCommandArgs,
  requiredString,
  stringOption,
  UsageError,
  type CommandSpec,
} from '../cli-args.parser';
import type { CliCommand } from './command';
import type { CliContext } from './cli-context';
import { resolveSpec } from './model-options';

const spec: CommandSpec = {
  name: 'search',
  summary: 'search detector architectures for AP and latency as served (PPO, regularized evolution or random), on this machine',
  usage: 'argus search --data SOURCE --out DIR [--controller C] [--trials N | --minutes M] [options]',
  options: {
    data: { type: 'string', valueName: 'SOURCE', required: true, description: 'deeppcb:PATH, voc:PATH, manifest:PATH or synthetic:FEED' },
    out: {
      type: 'string',
      valueName: 'DIR',
      required: true,
      description: "the search's folder: its state (run the same command again to resume), front.json, front.svg/png",
    },
    controller: { type: 'string', valueName: 'C', description: `${CONTROLLER_KINDS.join(', ')}`, default: 'evolution' },
    trials: { type: 'string', valueName: 'N', description: 'budget: architectures to try (rung 0 of successive halving)' },
    minutes: { type: 'string', valueName: 'M', description: 'budget: minutes of searching (time while stopped does not count)' },
    feed: { type: 'string', valueName: 'FEED', description: "the base spec the space decodes on: a core default's feed (default pcb)" },
    spec: { type: 'string', valueName: 'FILE', description: 'the base spec as an ArchitectureSpec JSON file (instead of --feed)' },
    'target-ms': {
      type: 'string',
      valueName: 'MS',
      description: "the reward's latency target, ms per image as served (default 0.7 × the base spec's latency)",
    },
    alpha: { type: 'string', valueName: 'W', description: "the reward's exponent under the target", default: '-0.07' },
    beta: { type: 'string', valueName: 'W', description: "the reward's exponent over the target", default: '-0.5' },
    'serving-batch': {
      type: 'string',
      valueName: 'N',
      description: 'batch of the latency measurement (as argus detect serves)',
      default: '8',
    },
    'serving-threads': { type: 'string', valueName: 'N', description: 'ONNX Runtime threads of the latency measurement', default: '2' },
    epochs: { type: 'string', valueName: 'N', description: 'rung 0: proxy training epochs', default: '3' },
    images: { type: 'string', valueName: 'N', description: 'rung 0: training images (of the search-train part)', default: '320' },
    crops: { type: 'string', valueName: 'N', description: 'rung 0: crops per image and epoch', default: '2' },
    rungs: { type: 'string', valueName: 'N', description: 'successive-halving rungs (each η× the budget of the one before)', default: '2' },
    eta: { type: 'string', valueName: 'N', description: "successive halving's η: the top 1/η of a rung go on", default: '3' },
    workers: { type: 'string', valueName: 'N', description: 'trial worker processes (default one per core)' },
    nice: { type: 'string', valueName: 'N', description: 'nice value of the workers', default: '10' },
    seed: { type: 'string', valueName: 'N', description: "the search's seed (controller, trials)", default: '1' },
    'synthetic-count': {
      type: 'string',
      valueName: 'N',
      description: 'synthetic data: training scenes (the search splits them)',
      default: '600',
    },
  },
  examples: [
    'argus search --data deeppcb:../shared/datasets/deeppcb --out tmp/search/evolution --controller evolution --trials 20',
    'argus search --data synthetic:pcb --out tmp/search/quick --controller ppo --trials 6 --epochs 1 --images 24 --crops 1',
  ],
};

interface SavedSearch {
  readonly settings: SearchEngineSettings;
  readonly data: string;
  readonly reference: { readonly spec: ArchitectureSpec; readonly quietMs: number };
  readonly nice: number;
  readonly syntheticCount: number;
}

export const searchCommand: CliCommand = {
  spec,
  interruptible: true,
  async run(argv, context: CliContext): Promise<number> {
    const values = parseCommandArgs(spec, argv);
    if (values === undefined) {
      context.out(formatHelp(spec));
      return 0;
    }
    const out = path.resolve(requiredString(values, 'out'));
    const saved = await readSaved(out);
    const search = saved ?? (await newSearch(values, context));
    if (saved)
      context.out(
        `argus search: resuming ${saved.settings.searchId} from ${out} (its own settings; the budget options of this command are not applied)`,
      );
    await mkdir(out, { recursive: true });
    await writeFile(path.join(out, 'search.json'), `${JSON.stringify(search, null, 1)}\n`);

    const { settings } = search;
    const workers =
      numberOption(values, 'workers', { integer: true, min: 1, max: 64 }) ??
      Math.max(1, Math.min(settings.maxInFlight, os.availableParallelism()));
    context.out(
      `argus search: ${settings.controller} on ${search.data}; ${workers} worker(s) at nice ${search.nice}; reference ${search.reference.spec.name} ` +
        `${search.reference.quietMs.toFixed(2)} ms/image; target ${settings.objective.targetMs.toFixed(2)} ms; budget ` +
        [
          settings.budget.maxTrials !== undefined ? `${settings.budget.maxTrials} trials` : '',
          settings.budget.maxWallSeconds !== undefined ? `${settings.budget.maxWallSeconds / 60} min` : '',
        ]
          .filter(Boolean)
          .join(', '),
    );
    const pool = await LocalTrialPool.start({
      workers,
      data: search.data,
      dataOptions: { syntheticCount: search.syntheticCount },
      objective: settings.objective,
      reference: { spec: search.reference.spec, seed: 1, quietMs: search.reference.quietMs },
      nice: search.nice,
      log: (line) => context.err(line),
    });
    let engine: SearchEngine;
    try {
      engine = await runLocalSearch({
        settings,
        stateFile: path.join(out, 'state.json'),
        trials: pool,
        shouldStop: context.interrupted,
        onResult: (result, counted) =>
          context.out(
            result.outcome === 'completed'
              ? `trial ${result.trialId.slice(0, 8)} rung ${result.rung}: AP ${result.measurement.ap.toFixed(4)} at ${result.measurement.latencyMs.toFixed(2)} ms` +
                  (counted ? '' : ' (a duplicate, not counted)')
              : `trial ${result.trialId.slice(0, 8)} rung ${result.rung} failed: ${result.reason}`,
          ),
        onProgress: (p) =>
          context.out(
            `${p.requested} requested, ${p.completed} done, ${p.failed} failed, ${p.inFlight} running; best ` +
              `${p.best ? `AP ${p.best.ap.toFixed(4)} at ${p.best.latencyMs.toFixed(2)} ms` : '—'}; front ${p.frontSize}; ` +
              `${p.trialsPerHour.toFixed(1)} trials/h; ${Math.round(p.elapsedSeconds / 60)} min`,
          ),
      });
    } finally {
      await pool.close();
    }

    const front = engine.front();
    const specs = new Map(engine.trials().map((t) => [t.trialId, t.spec]));
    const hvReference = { apRef: 0, latencyRefMs: 2 * search.reference.quietMs };
    const frontRows = front.map((p) => ({ ...p, spec: specs.get(p.trialId) as ArchitectureSpec }));
    await writeFile(
      path.join(out, 'front.json'),
      `${JSON.stringify({ searchId: settings.searchId, hypervolume: engine.hypervolume(hvReference), hypervolumeReference: hvReference, front: frontRows, points: engine.points() }, null, 1)}\n`,
    );
    const series = [{ label: settings.controller, points: engine.points(), front }];
    const title = `argus search ${settings.searchId}: search-validation AP after proxy training`;
    await writeFile(path.join(out, 'front.svg'), renderFrontSvg(series, { title }));
    await writeFile(path.join(out, 'front.png'), await renderFrontPng(series, { title }));

    context.out('');
    context.out(
      `front of ${engine.points().length} trial(s), hypervolume ${engine.hypervolume(hvReference).toFixed(4)} (reference AP 0 at ${hvReference.latencyRefMs.toFixed(2)} ms):`,
    );
    context.out('trial     rung  AP      ms/image  reward  params   GMAC   input  template          widths');
    for (const row of [...frontRows].sort((a, b) => a.latencyMs - b.latencyMs)) context.out(formatRow(row));
    context.out(
      `written: ${path.join(out, 'front.json')}, front.svg, front.png; train a point fully with: argus train --spec FILE (the spec is in front.json)`,
    );
    if (!engine.done) {
      context.out(`stopped before the budget was spent; run the same command again to resume`);
      return 130;
    }
    return 0;
  },
};

function formatRow(row: FrontPoint & { spec: ArchitectureSpec }): string {
  const s = row.spec;
  return [
    row.trialId.slice(0, 8).padEnd(9),
    String(row.rung).padEnd(5),
    row.ap.toFixed(4).padEnd(7),
    row.latencyMs.toFixed(2).padEnd(9),
    row.reward.toFixed(4).padEnd(7),
    `${(countParams(s) / 1e6).toFixed(3)}M`.padEnd(8),
    (countMacs(s) / 1e9).toFixed(3).padEnd(6),
    String(s.input.height).padEnd(6),
    s.template.padEnd(17),
    s.backbone.stages.map((st) => `${st.width}×${st.depth}${st.block[0]}`).join(' '),
  ].join(' ');
}

async function readSaved(out: string): Promise<SavedSearch | null> {
  const file = path.join(out, 'search.json');
  if (!existsSync(file)) return null;
  return JSON.parse(await readFile(file, 'utf8')) as SavedSearch;
}

async function newSearch(values: Parameters<typeof requiredString>[0], context: CliContext): Promise<SavedSearch> {
  const dataText = requiredString(values, 'data');
  const source = parseTrainingDataSource(dataText);
  const controller = choiceOption<ControllerKind>(values, 'controller', CONTROLLER_KINDS) as ControllerKind;
  const trials = numberOption(values, 'trials', { integer: true, min: 1 });
  const minutes = numberOption(values, 'minutes', { min: 0.1 });
  if (trials === undefined && minutes === undefined) throw new UsageError('give a budget: --trials N, --minutes M or both');
  const base = await resolveSpec(
    stringOption(values, 'spec') === undefined ? (stringOption(values, 'feed') ?? 'pcb') : undefined,
    stringOption(values, 'spec'),
  );
  const serving = {
    servingBatch: numberOption(values, 'serving-batch', { integer: true, min: 1, max: 256 }) as number,
    servingThreads: numberOption(values, 'serving-threads', { integer: true, min: 1, max: 64 }) as number,
  };
  context.out(`argus search: timing the base spec ${base.name} as served (the reference every trial is timed against)…`);
  const quietMs = (await measureServingLatency(base, serving)).msPerImage;
  const epochs = numberOption(values, 'epochs', { integer: true, min: 1 }) as number;
  const images = numberOption(values, 'images', { integer: true, min: 1 }) as number;
  const crops = numberOption(values, 'crops', { integer: true, min: 1 }) as number;
  const eta = numberOption(values, 'eta', { integer: true, min: 2 }) as number;
  const rungCount = numberOption(values, 'rungs', { integer: true, min: 1, max: 5 }) as number;
  const seed = numberOption(values, 'seed', { integer: true, min: 0 }) as number;
  const workers =
    numberOption(values, 'workers', { integer: true, min: 1, max: 64 }) ?? Math.max(1, Math.min(2, os.availableParallelism()));
  const settings: SearchEngineSettings = {
    searchId: `${controller}-${source.kind}-seed${seed}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`,
    controller,
    seed,
    base,
    objective: {
      targetMs: numberOption(values, 'target-ms', { min: 0.001 }) ?? 0.7 * quietMs,
      alpha: numberOption(values, 'alpha', { min: -10, max: 10 }) as number,
      beta: numberOption(values, 'beta', { min: -10, max: 10 }) as number,
      ...serving,
    },
    budget: {
      ...(trials !== undefined ? { maxTrials: trials } : {}),
      ...(minutes !== undefined ? { maxWallSeconds: Math.round(minutes * 60) } : {}),
    },
    // Each rung trains η× as many crops: epochs grow, the image subset too while the data last.
    rungs: Array.from({ length: rungCount }, (_, r) => ({
      rung: r,
      epochs: Math.round(epochs * Math.sqrt(eta) ** r),
      trainImages: Math.round(images * Math.sqrt(eta) ** r),
      cropsPerImage: crops,
    })),
    eta,
    maxInFlight: workers,
  };
  const issues = searchSettingsIssues(settings);
  if (issues.length > 0) throw new UsageError(issues.join('; '));
  return {
    settings,
    data: dataText,
    reference: { spec: base, quietMs },
    nice: numberOption(values, 'nice', { integer: true, min: 0, max: 19 }) as number,
    syntheticCount: numberOption(values, 'synthetic-count', { integer: true, min: 4 }) as number,
  };
}
