/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tinyPcbSpec } from '@argus/vision/testing';
import { runArgus as cli } from './testing/cli.harness';

/**
 * `argus adapt` from each of its starts and `argus meta-train` end to end, in seconds on tiny
 * synthetic PCB scenes (no infrastructure): a tiny parent trained by `argus train`, a one-step
 * meta-init, and the bad flags a user meets first.
 */
let dir: string;
let parentDir: string;
let plainDir: string;
let specFile: string;
const SMALL_DATA = ['--synthetic-count', '12', '--synthetic-val-count', '4', '--synthetic-size', '96'];
const FAST = ['--epochs', '1', '--batch-size', '4', '--crops-per-image', '1', '--progress-seconds', '3600', '--no-onnx'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'argus-adapt-'));
  specFile = path.join(dir, 'spec.json');
  await writeFile(specFile, JSON.stringify(tinyPcbSpec(['open', 'short', 'spur'])));
  parentDir = path.join(dir, 'parent');
  const train = await cli([
    'train',
    '--data',
    'synthetic:pcb',
    '--spec',
    specFile,
    '--out',
    parentDir,
    '--run-dir',
    path.join(dir, 'parent-run'),
    '--epochs',
    '1',
    '--synthetic-count',
    '8',
    '--synthetic-val-count',
    '2',
    '--batch-size',
    '4',
    '--progress-seconds',
    '3600',
    '--no-onnx',
  ]);
  expect(train.err).toBe('');
  expect(train.code).toBe(0);
  // A second production model, for RGB frames without a template: not the nearest for PCB frames.
  const plainSpec = path.join(dir, 'plain-spec.json');
  await writeFile(
    plainSpec,
    JSON.stringify({
      ...tinyPcbSpec(['RBC', 'WBC', 'Platelets']),
      name: 'tiny-plain',
      input: { height: 96, width: 96, channels: 3 },
      template: 'none',
    }),
  );
  plainDir = path.join(dir, 'plain');
  const plain = await cli([
    'train',
    '--data',
    'synthetic:medical',
    '--spec',
    plainSpec,
    '--out',
    plainDir,
    '--run-dir',
    path.join(dir, 'plain-run'),
    '--epochs',
    '1',
    '--synthetic-count',
    '4',
    '--synthetic-val-count',
    '2',
    '--batch-size',
    '4',
    '--progress-seconds',
    '3600',
    '--no-onnx',
  ]);
  expect(plain.code).toBe(0);
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

const metadataOf = async (out: string) =>
  JSON.parse(await readFile(path.join(out, 'metadata.json'), 'utf8')) as { classes: string[]; fewShot: Record<string, unknown> };

describe('argus adapt', () => {
  it('fine-tunes the nearest of several production models with the backbone frozen, evaluates and writes the package', async () => {
    const out = path.join(dir, 'finetuned');
    const run = await cli([
      'adapt',
      '--from',
      `${plainDir},${parentDir}`,
      '--data',
      'synthetic:pcb',
      '--shots',
      '4',
      '--out',
      out,
      '--run-dir',
      path.join(dir, 'finetuned-run'),
      ...SMALL_DATA,
      ...FAST,
    ]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(
      /start finetune from tiny-pcb@.*4 shot\(s\) of synthetic:pcb \(grey, template stack-difference\), 4 evaluation frame\(s\); budget 120 s/,
    );
    expect(run.out).toMatch(/images 4: mAP@0\.5 /);
    expect(run.out).toMatch(/adapted .* \(finetune, 4 shots, completed\) in [\d.]+ s/);
    const metadata = await metadataOf(out);
    expect(metadata.classes).toEqual(['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole']);
    expect(metadata.fewShot).toMatchObject({ kind: 'adaptation', start: 'finetune', shots: 4, frozenPrefixes: ['backbone.'] });
    expect(metadata.fewShot['classSources']).toEqual(['open', 'short', null, 'spur', null, null]);
    const evaluation = JSON.parse(await readFile(path.join(out, 'evaluation.json'), 'utf8')) as { report: { imageCount: number } };
    expect(evaluation.report.imageCount).toBe(4);
  }, 120_000);

  it('meta-trains a tiny initialisation, then adapts from it (the new classes on its slots)', async () => {
    const init = path.join(dir, 'meta-init');
    const meta = await cli([
      'meta-train',
      '--init',
      'template',
      '--spec',
      specFile,
      '--sources',
      'synthetic:pcb',
      '--exclude',
      'synthetic:medical',
      '--steps',
      '1',
      '--meta-batch',
      '1',
      '--shots',
      '2',
      '--queries',
      '1',
      '--inner-epochs',
      '1',
      '--size',
      '64',
      '--out',
      init,
      '--run-dir',
      path.join(dir, 'meta-run'),
      '--no-onnx',
    ]);
    expect(meta.err).toBe('');
    expect(meta.code).toBe(0);
    expect(meta.out).toMatch(/meta-step 1\/1 ε 1\.000 tasks synthetic:pcb \d-way \| query mAP50 .* ETA /);
    expect((await metadataOf(init)).fewShot).toMatchObject({
      kind: 'meta-init',
      metaSteps: 1,
      excluded: ['synthetic:medical'],
      sources: ['synthetic:pcb'],
    });

    const out = path.join(dir, 'from-meta');
    const run = await cli([
      'adapt',
      '--from',
      `meta-init:${init}`,
      '--data',
      'synthetic:pcb',
      '--shots',
      '3',
      '--draw',
      '2',
      '--out',
      out,
      '--run-dir',
      path.join(dir, 'from-meta-run'),
      ...SMALL_DATA,
      ...FAST,
    ]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const metadata = await metadataOf(out);
    expect(metadata.fewShot).toMatchObject({ start: 'meta', shots: 3, frozenPrefixes: [] });
    expect(metadata.fewShot['classSources']).toEqual(['slot-1', 'slot-2', 'slot-3', 'slot-4', 'slot-5', 'slot-6']);
  }, 120_000);

  it('trains from scratch on a given architecture', async () => {
    const out = path.join(dir, 'scratch');
    const run = await cli([
      'adapt',
      '--start',
      'scratch',
      '--spec',
      specFile,
      '--data',
      'synthetic:pcb',
      '--shots',
      '3',
      '--out',
      out,
      '--run-dir',
      path.join(dir, 'scratch-run'),
      ...SMALL_DATA,
      ...FAST,
    ]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect((await metadataOf(out)).fewShot).toMatchObject({ start: 'scratch', from: null });
  }, 120_000);

  it('answers bad flags with a clear message and exit code 2, and an excluded task source with 1', async () => {
    const out = path.join(dir, 'never');
    const bad = [
      [['adapt', '--data', 'synthetic:pcb', '--shots', '0', '--out', out, '--from', parentDir], /--shots must be at least 1/],
      [
        ['adapt', '--data', 'synthetic:pcb', '--shots', '2', '--out', out, '--from', parentDir, '--start', 'meta'],
        /--start meta needs --from meta-init/,
      ],
      [['adapt', '--data', 'synthetic:pcb', '--shots', '2', '--out', out, '--start', 'finetune'], /--start finetune needs --from/],
      [
        ['adapt', '--data', 'synthetic:pcb', '--shots', '2', '--out', out, '--start', 'fast'],
        /--start must be one of scratch, finetune, meta/,
      ],
      [['meta-train', '--out', out], /--exclude is required/],
      [['meta-train', '--out', out, '--exclude', 'x', '--epsilon', '2,0'], /--epsilon must be two numbers in \[0, 1\]/],
    ] as const;
    for (const [argv, message] of bad) {
      const run = await cli(argv);
      expect(run.err).toMatch(message);
      expect(run.code).toBe(2);
    }
    // The shipped initialisation is looked for under the working directory: here an empty one.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const noInit = await cli(['adapt', '--data', 'synthetic:pcb', '--shots', '2', '--out', out, '--from', 'meta-init', ...SMALL_DATA]);
      expect(noInit.err).toMatch(/there is no template initialisation at models\/meta-init-template yet/);
      expect(noInit.code).toBe(2);
    } finally {
      process.chdir(cwd);
    }
    const excluded = await cli(['meta-train', '--out', out, '--sources', 'synthetic:pcb', '--exclude', 'synthetic:pcb', '--no-onnx']);
    expect(excluded.err).toMatch(/task source synthetic:pcb is excluded/);
    expect(excluded.code).toBe(1);
  }, 60_000);
});
