/**
 * `npm run bench:fewshot`: a new line from K labelled frames, three starting points compared at one
 * wall-clock budget (not a test).
 *
 * Two scenarios, each evaluated on frames no run trains on or chooses anything on:
 *   bccd            blood-cell smears (../shared/datasets/bccd, RBC / WBC / Platelets): the K shots are
 *                   drawn from the seed-1 training split, every run is scored on its validation split;
 *                   the upper bound is the full-data model (models/bccd) on the same frames.
 *   deeppcb-unseen  DeepPCB boards of groups 44000 and 50600, which neither the fine-tune's base
 *                   (models/continual/base-five-groups) nor the template meta-init ever saw; the upper
 *                   bound is models/deeppcb (trained on every group's training frames) on the same frames.
 * Starting points, each with the same budget (`--budget-seconds`, default the adaptation's 120 s):
 *   scratch   the feed's default architecture, fresh weights;
 *   finetune  the nearest production model with its backbone frozen (`--bases`; the full-data model
 *             of the scenario is never a candidate: it was trained on the frames being scored);
 *   meta      the meta-learned initialisation for the frames (models/meta-init-plain or -template),
 *             refused unless its lineage excludes the scenario's feed.
 * K ∈ --shots (default 5,10,20), `--draws` seeded draws of the K frames each (default 5); mean and
 * spread of COCO mAP@0.5 per start. The adaptation's budget is wall time, so run it on a quiet machine:
 * the load average is printed with every run.
 *
 *   npm run bench:fewshot -- [--bccd ../shared/datasets/bccd] [--deeppcb ../shared/datasets/deeppcb]
 *        [--scenarios bccd,deeppcb-unseen] [--shots 5,10,20] [--draws 5] [--starts scratch,finetune,meta]
 *        [--budget-seconds 120] [--freeze backbone|backbone+neck] [--out tmp/bench/fewshot] [--fresh]
 *
 * Each run's result is one JSON file under --out; a second invocation keeps them (resumes) unless
 * --fresh. The last line is the issue's figure line (BCCD, K = 10, mean of the draws).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import {
  ADAPT_STARTS,
  chooseNearestModel,
  DEFAULT_ADAPT_BUDGET_SECONDS,
  defaultSpec,
  describeFrames,
  drawShots,
  escapeXml,
  evaluateLoaded,
  FINE_TUNE_FREEZES,
  folderPackageFiles,
  formatDuration,
  loadFineTuneData,
  loadModelPackage,
  loadTrainingImages,
  metaInitSlots,
  runFewShotPipeline,
  selectTfBackend,
  silentVisionLogger,
  svgDocument,
  svgToPng,
  type AdaptStart,
  type ArchitectureSpec,
  type EvaluationReport,
  type FineTuneData,
  type FineTuneFreeze,
  type ModelPackage,
} from '../src';
import { benchFlags } from './bench-args';

const SCENARIOS = ['bccd', 'deeppcb-unseen'] as const;
type ScenarioId = (typeof SCENARIOS)[number];
/** DeepPCB groups the five-group base and the template meta-init must never have seen. */
const UNSEEN_GROUPS = ['44000', '50600'];
/** The data's seed: the split every model here was trained and scored with. Fixed, so runs compare. */
const DATA_SEED = 1;

interface Args {
  bccd: string;
  deeppcb: string;
  scenarios: ScenarioId[];
  shots: number[];
  draws: number;
  starts: AdaptStart[];
  budgetSeconds: number;
  freeze: FineTuneFreeze;
  out: string;
  fresh: boolean;
  models: string;
}

function parseArgs(argv: string[]): Args {
  const { value, list, whole } = benchFlags(argv);
  const shots = (value('shots') ?? '5,10,20').split(',').map(Number);
  if (shots.some((k) => !Number.isInteger(k) || k < 1)) throw new Error('--shots takes whole numbers ≥ 1, comma-separated');
  const freeze = (value('freeze') ?? 'backbone') as FineTuneFreeze;
  if (!FINE_TUNE_FREEZES.includes(freeze)) throw new Error(`--freeze: use ${FINE_TUNE_FREEZES.join(' or ')}`);
  return {
    bccd: path.resolve(value('bccd') ?? path.join('..', 'shared', 'datasets', 'bccd')),
    deeppcb: path.resolve(value('deeppcb') ?? path.join('..', 'shared', 'datasets', 'deeppcb')),
    scenarios: list('scenarios', SCENARIOS),
    shots,
    draws: whole('draws', 5, 1),
    starts: list('starts', ADAPT_STARTS),
    budgetSeconds: whole('budget-seconds', DEFAULT_ADAPT_BUDGET_SECONDS, 1),
    freeze,
    out: path.resolve(value('out') ?? path.join('tmp', 'bench', 'fewshot')),
    fresh: argv.includes('--fresh'),
    models: path.resolve(value('models') ?? 'models'),
  };
}

interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly data: FineTuneData;
  readonly scratchSpec: ArchitectureSpec;
  /** Production models the fine-tune may start from (the nearest is chosen per draw). */
  readonly bases: readonly ModelPackage[];
  readonly metaInit: ModelPackage | null;
  /** Why there is no meta-init, when there is none. */
  readonly metaMissing: string | null;
  readonly full: ModelPackage;
}

interface RunResult {
  readonly scenario: ScenarioId;
  readonly shots: number;
  readonly draw: number;
  readonly start: AdaptStart;
  readonly from: string | null;
  readonly map50: number;
  /** The DeepPCB benchmark's AP (IoU > 0.33, same class), DeepPCB's classes only. */
  readonly deepPcbAp: number | null;
  readonly seconds: number;
  readonly epochs: number | null;
  readonly stopReason: string;
  readonly evaluationFrames: number;
  readonly loadAverage: number;
}

const stamp = () => new Date().toISOString().slice(11, 19);
const say = (line: string) => console.log(`[fewshot ${stamp()}] ${line}`);

async function loadPackage(dir: string): Promise<ModelPackage | null> {
  return existsSync(path.join(dir, 'metadata.json')) ? loadModelPackage(folderPackageFiles(dir)) : null;
}

async function requirePackage(dir: string, what: string): Promise<ModelPackage> {
  const pkg = await loadPackage(dir);
  if (!pkg) throw new Error(`${what}: no model package at ${dir} (see models/README.md for the command that makes it)`);
  return pkg;
}

/**
 * The meta-init for a scenario, only if its lineage says the scenario's frames were never sampled:
 * `mustExclude` are fragments one of its `excluded` entries must end with (a data set's folder
 * name, or `#group`).
 */
function checkedMetaInit(
  pkg: ModelPackage | null,
  dir: string,
  mustExclude: readonly string[],
): { pkg: ModelPackage | null; why: string | null } {
  if (!pkg) return { pkg: null, why: `no meta-init at ${dir}` };
  const record = pkg.metadata.fewShot;
  if (record?.kind !== 'meta-init') return { pkg: null, why: `${dir} is not a meta-learned initialisation` };
  const missing = mustExclude.filter((fragment) => !record.excluded.some((e) => e.replace(/\/+$/, '').endsWith(fragment)));
  if (missing.length > 0) {
    return {
      pkg: null,
      why: `${dir} does not exclude ${missing.join(', ')} (excluded: ${record.excluded.join(', ')}): it may have seen the frames scored here`,
    };
  }
  return { pkg, why: null };
}

async function setUp(id: ScenarioId, args: Args): Promise<Scenario> {
  if (id === 'bccd') {
    if (!existsSync(args.bccd)) throw new Error(`BCCD not found at ${args.bccd} (give --bccd PATH)`);
    const data = await loadFineTuneData({ kind: 'voc', path: args.bccd }, { seed: DATA_SEED });
    const metaDir = path.join(args.models, 'meta-init-plain');
    const meta = checkedMetaInit(await loadPackage(metaDir), metaDir, [path.basename(args.bccd)]);
    return {
      id,
      title: 'BCCD blood-cell smears (RBC, WBC, Platelets)',
      data,
      scratchSpec: defaultSpec('medical'),
      bases: await Promise.all(['factory', 'deeppcb'].map((name) => requirePackage(path.join(args.models, name), 'fine-tune base'))),
      metaInit: meta.pkg,
      metaMissing: meta.why,
      full: await requirePackage(path.join(args.models, 'bccd'), 'the BCCD full-data model'),
    };
  }
  if (!existsSync(args.deeppcb)) throw new Error(`DeepPCB not found at ${args.deeppcb} (give --deeppcb PATH)`);
  const data = await loadFineTuneData({ kind: 'deeppcb', path: args.deeppcb }, { seed: DATA_SEED, groups: UNSEEN_GROUPS });
  const metaDir = path.join(args.models, 'meta-init-template');
  const meta = checkedMetaInit(
    await loadPackage(metaDir),
    metaDir,
    UNSEEN_GROUPS.map((g) => `#${g}`),
  );
  const base = await requirePackage(path.join(args.models, 'continual', 'base-five-groups'), 'fine-tune base');
  const excluded = (base.metadata.training?.data.options?.['excludeGroups'] ?? []) as string[];
  if (!UNSEEN_GROUPS.every((g) => excluded.includes(g))) {
    throw new Error(
      `models/continual/base-five-groups was trained on group(s) ${UNSEEN_GROUPS.join(', ')}: it cannot be the unseen groups' base`,
    );
  }
  return {
    id,
    title: `DeepPCB groups ${UNSEEN_GROUPS.join(', ')} (unseen by the base and the meta-init)`,
    data,
    scratchSpec: defaultSpec('pcb'),
    bases: [base],
    metaInit: meta.pkg,
    metaMissing: meta.why,
    full: await requirePackage(path.join(args.models, 'deeppcb'), 'the DeepPCB full-data model'),
  };
}

/** A model scored on the scenario's evaluation frames, the same way the adapted ones are (evaluateLoaded). */
async function scoreFullModel(scenario: Scenario): Promise<EvaluationReport> {
  const spec = scenario.full.metadata.spec;
  const { images } = await loadTrainingImages(scenario.data.validation, {
    width: spec.input.width,
    height: spec.input.height,
    channels: spec.input.channels as 1 | 3,
    templateMode: spec.template,
    classes: spec.classes,
  });
  return evaluateLoaded(spec, scenario.full.weights, images, scenario.full.metadata.postprocessing.nmsIouThreshold);
}

async function runOne(scenario: Scenario, args: Args, shots: number, draw: number, start: AdaptStart, file: string): Promise<RunResult> {
  const data = drawShots(scenario.data, shots, DATA_SEED, draw);
  let from: ModelPackage | undefined;
  if (start === 'finetune') from = chooseNearestModel(scenario.bases, await describeFrames(data.train)).package;
  if (start === 'meta') from = scenario.metaInit ?? undefined;
  const startSpec = from?.metadata.spec ?? scenario.scratchSpec;
  const input = await describeFrames(data.train, { templateMode: startSpec.template });
  const runDir = path.join(args.out, 'runs', `${scenario.id}-k${shots}-d${draw}-${start}`);
  await rm(runDir, { recursive: true, force: true });
  const loadAverage = loadavg()[0] ?? 0;
  const result = await runFewShotPipeline({
    start,
    ...(from ? { from } : { spec: scenario.scratchSpec }),
    input,
    data,
    budgetSeconds: args.budgetSeconds,
    freeze: args.freeze,
    seed: DATA_SEED,
    runDir,
    command: `npm run bench:fewshot (${scenario.id} k=${shots} draw=${draw} start=${start})`,
    out: folderPackageFiles(path.join(runDir, 'package')),
    argusVersion: 'bench',
    backend: 'wasm',
    exportOnnx: false,
  });
  const report = result.report;
  if (!report) throw new Error(`${scenario.id}: no evaluation frame`);
  const epochs = result.adaptation.lineage.hyperparameters['epochs'];
  const record: RunResult = {
    scenario: scenario.id,
    shots,
    draw,
    start,
    from: from ? `${from.metadata.name}@${from.metadata.version}` : null,
    map50: report.coco.map50,
    deepPcbAp: scenario.id === 'deeppcb-unseen' ? (report.deepPcb?.allDetections.ap ?? null) : null,
    seconds: result.adaptation.seconds,
    epochs: typeof epochs === 'number' ? epochs : null,
    stopReason: result.adaptation.training.stopReason,
    evaluationFrames: report.imageCount,
    loadAverage,
  };
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  // The package and checkpoints are not needed once scored; the JSON is the record.
  await rm(runDir, { recursive: true, force: true });
  return record;
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}
function sd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}
const fmt = (n: number, digits = 3) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** AP against K, one line per start with ±1 sd bars, the full-data model dashed: one panel per scenario. */
function renderPlot(
  scenarios: readonly ScenarioId[],
  results: readonly RunResult[],
  full: ReadonlyMap<ScenarioId, number>,
  shots: readonly number[],
  starts: readonly AdaptStart[],
): string {
  const panelW = 420;
  const panelH = 300;
  const margin = { left: 56, right: 16, top: 36, bottom: 44 };
  const colours: Record<AdaptStart, string> = { scratch: '#888888', finetune: '#1f77b4', meta: '#d62728' };
  const ks = [...shots].sort((a, b) => a - b);
  const parts: string[] = [];
  scenarios.forEach((id, panel) => {
    const ox = panel * panelW;
    const w = panelW - margin.left - margin.right;
    const h = panelH - margin.top - margin.bottom;
    const x = (k: number) => ox + margin.left + (ks.length === 1 ? w / 2 : (ks.indexOf(k) / (ks.length - 1)) * w);
    const y = (ap: number) => margin.top + (1 - ap) * h;
    parts.push(`<text x="${ox + panelW / 2}" y="20" text-anchor="middle" font-size="13">${escapeXml(id)}: COCO mAP@0.5 vs K</text>`);
    parts.push(`<rect x="${ox + margin.left}" y="${margin.top}" width="${w}" height="${h}" fill="none" stroke="#444"/>`);
    for (const tick of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
      parts.push(`<text x="${ox + margin.left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="10">${tick.toFixed(1)}</text>`);
      parts.push(`<line x1="${ox + margin.left}" x2="${ox + margin.left + w}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/>`);
    }
    for (const k of ks) parts.push(`<text x="${x(k)}" y="${margin.top + h + 16}" text-anchor="middle" font-size="10">K=${k}</text>`);
    const upper = full.get(id);
    if (upper !== undefined) {
      parts.push(
        `<line x1="${ox + margin.left}" x2="${ox + margin.left + w}" y1="${y(upper)}" y2="${y(upper)}" stroke="#2ca02c" stroke-dasharray="6,4"/>`,
      );
      parts.push(
        `<text x="${ox + margin.left + w - 4}" y="${y(upper) - 4}" text-anchor="end" font-size="10" fill="#2ca02c">full data ${upper.toFixed(3)}</text>`,
      );
    }
    starts.forEach((start, si) => {
      const points = ks
        .map((k) => {
          const aps = results.filter((r) => r.scenario === id && r.start === start && r.shots === k).map((r) => r.map50);
          return aps.length ? { k, m: mean(aps), s: sd(aps) } : null;
        })
        .filter((p): p is { k: number; m: number; s: number } => p !== null);
      if (points.length === 0) return;
      const colour = colours[start];
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${x(p.k)},${y(p.m)}`).join(' ')}"/>`,
      );
      for (const p of points) {
        parts.push(
          `<line x1="${x(p.k)}" x2="${x(p.k)}" y1="${y(Math.min(1, p.m + p.s))}" y2="${y(Math.max(0, p.m - p.s))}" stroke="${colour}"/>`,
        );
        parts.push(`<circle cx="${x(p.k)}" cy="${y(p.m)}" r="3" fill="${colour}"/>`);
      }
      parts.push(`<text x="${ox + margin.left + 8}" y="${margin.top + 14 + si * 14}" font-size="11" fill="${colour}">${start}</text>`);
    });
    parts.push(
      `<text x="${ox + panelW / 2}" y="${panelH - 8}" text-anchor="middle" font-size="10">labelled frames (K); bars ±1 sd over the draws</text>`,
    );
  });
  return svgDocument(panelW * scenarios.length, panelH, [`<rect width="100%" height="100%" fill="white"/>`, ...parts]);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await selectTfBackend({ logger: silentVisionLogger });
  const command = `npm run bench:fewshot -- ${process.argv.slice(2).join(' ')}`.trim();
  say(`${command}; TensorFlow.js backend ${backend.choice}; budget ${args.budgetSeconds} s per adaptation; out ${args.out}`);
  if (args.fresh) await rm(args.out, { recursive: true, force: true });
  await mkdir(path.join(args.out, 'results'), { recursive: true });

  const scenarios: Scenario[] = [];
  for (const id of args.scenarios) {
    const scenario = await setUp(id, args);
    scenarios.push(scenario);
    say(
      `${scenario.title}: ${scenario.data.train.length} training frames to draw shots from, ${scenario.data.validation.length} evaluation frames (${scenario.data.split})`,
    );
    say(
      `  bases: ${scenario.bases.map((b) => b.metadata.name).join(', ')}; full-data model ${scenario.full.metadata.name}@${scenario.full.metadata.version}`,
    );
    if (scenario.metaInit) {
      const record = scenario.metaInit.metadata.fewShot;
      say(
        `  meta-init ${scenario.metaInit.metadata.name} (slots ${metaInitSlots(scenario.metaInit).join(', ')}${record?.kind === 'meta-init' ? `; ${record.metaSteps} meta-steps over ${record.sources.join(', ')}; never sampled: ${record.excluded.join(', ')}` : ''})`,
      );
    } else if (args.starts.includes('meta')) say(`  meta: not run (${scenario.metaMissing})`);
  }

  const full = new Map<ScenarioId, number>();
  const fullDeepPcb = new Map<ScenarioId, number>();
  for (const scenario of scenarios) {
    const report = await scoreFullModel(scenario);
    full.set(scenario.id, report.coco.map50);
    if (report.deepPcb) fullDeepPcb.set(scenario.id, report.deepPcb.allDetections.ap);
    say(`${scenario.id}: full-data model mAP@0.5 ${fmt(report.coco.map50, 4)} on the ${report.imageCount} evaluation frames`);
  }

  const plan: { scenario: Scenario; shots: number; draw: number; start: AdaptStart; file: string }[] = [];
  for (const scenario of scenarios)
    for (const shots of args.shots)
      for (let draw = 0; draw < args.draws; draw++)
        for (const start of args.starts) {
          if (start === 'meta' && !scenario.metaInit) continue;
          plan.push({
            scenario,
            shots,
            draw,
            start,
            file: path.join(args.out, 'results', `${scenario.id}-k${shots}-d${draw}-${start}.json`),
          });
        }
  const todo = plan.filter((p) => !existsSync(p.file));
  say(`${plan.length} adaptations planned, ${plan.length - todo.length} already done, ${todo.length} to run`);
  const began = Date.now();
  for (const [i, item] of todo.entries()) {
    const r = await runOne(item.scenario, args, item.shots, item.draw, item.start, item.file);
    const elapsed = (Date.now() - began) / 1000;
    const eta = (elapsed / (i + 1)) * (todo.length - i - 1);
    say(
      `${r.scenario} k=${r.shots} draw ${r.draw} ${r.start}${r.from ? ` from ${r.from}` : ''}: mAP@0.5 ${fmt(r.map50, 4)}` +
        `${r.deepPcbAp !== null ? ` (DeepPCB AP ${fmt(r.deepPcbAp, 4)})` : ''} in ${r.seconds.toFixed(1)} s, ${r.epochs ?? '?'} epochs, ${r.stopReason}, load ${r.loadAverage.toFixed(2)}` +
        ` | ${i + 1}/${todo.length}, elapsed ${formatDuration(elapsed * 1000)}, ETA ${formatDuration(eta * 1000)}`,
    );
  }

  const results: RunResult[] = [];
  for (const name of (await readdir(path.join(args.out, 'results'))).sort()) {
    const r = JSON.parse(await readFile(path.join(args.out, 'results', name), 'utf8')) as RunResult;
    if (plan.some((p) => p.file.endsWith(name))) results.push(r);
  }

  const lines: string[] = [
    `# bench:fewshot`,
    '',
    `\`${command}\` (budget ${args.budgetSeconds} s, freeze ${args.freeze}, data seed ${DATA_SEED})`,
    '',
  ];
  for (const scenario of scenarios) {
    lines.push(
      `## ${scenario.title}`,
      '',
      `full-data model: mAP@0.5 ${fmt(full.get(scenario.id) ?? Number.NaN, 4)}${fullDeepPcb.has(scenario.id) ? `, DeepPCB AP ${fmt(fullDeepPcb.get(scenario.id) ?? Number.NaN, 4)}` : ''}`,
      '',
    );
    lines.push(
      '| K | start | mAP@0.5 mean | sd | min | max | ratio to full | seconds (mean) | draws |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const shots of args.shots)
      for (const start of args.starts) {
        const rs = results.filter((r) => r.scenario === scenario.id && r.shots === shots && r.start === start);
        if (rs.length === 0) {
          lines.push(
            `| ${shots} | ${start} | not run${start === 'meta' && scenario.metaMissing ? ` (${scenario.metaMissing})` : ''} | | | | | | 0 |`,
          );
          continue;
        }
        const aps = rs.map((r) => r.map50);
        lines.push(
          `| ${shots} | ${start} | ${fmt(mean(aps))} | ${fmt(sd(aps))} | ${fmt(Math.min(...aps))} | ${fmt(Math.max(...aps))} | ${fmt(mean(aps) / (full.get(scenario.id) ?? Number.NaN), 2)} | ${mean(rs.map((r) => r.seconds)).toFixed(1)} | ${rs.length} |`,
        );
      }
    lines.push('');
  }
  const table = lines.join('\n');
  console.log(table);
  await writeFile(path.join(args.out, 'summary.md'), `${table}\n`);
  await writeFile(
    path.join(args.out, 'summary.json'),
    `${JSON.stringify({ command, budgetSeconds: args.budgetSeconds, freeze: args.freeze, full: Object.fromEntries(full), results }, null, 2)}\n`,
  );
  const svg = renderPlot(args.scenarios, results, full, args.shots, args.starts);
  await writeFile(path.join(args.out, 'fewshot.svg'), svg);
  await writeFile(path.join(args.out, 'fewshot.png'), await svgToPng(svg));
  say(`table ${path.join(args.out, 'summary.md')}, plot ${path.join(args.out, 'fewshot.png')}`);

  // The issue's line: BCCD, K = 10, mean of the draws; adapt_s is the winning start's mean seconds.
  const at = (start: AdaptStart) => results.filter((r) => r.scenario === 'bccd' && r.shots === 10 && r.start === start);
  const apOf = (start: AdaptStart) => mean(at(start).map((r) => r.map50));
  const ranked = ADAPT_STARTS.filter((s) => at(s).length > 0).sort((a, b) => apOf(b) - apOf(a));
  const best = ranked[0];
  if (best) {
    const fullAp = full.get('bccd') ?? Number.NaN;
    say(
      `BCCD K=10: best start ${best} (${fmt(apOf(best))}, ${fmt(apOf(best) / fullAp, 2)} × the full-data ${fmt(fullAp)}); target ≥ 0.80 × with adapt_s ≤ 120`,
    );
    console.log(
      `fewshot k=10 meta_ap=${fmt(apOf('meta'))} finetune_ap=${fmt(apOf('finetune'))} scratch_ap=${fmt(apOf('scratch'))} full_ap=${fmt(fullAp)} adapt_s=${fmt(mean(at(best).map((r) => r.seconds)), 1)}`,
    );
  } else {
    say('no BCCD K=10 run: the figure line needs --scenarios with bccd and --shots with 10');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
