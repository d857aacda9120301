/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TINY_PCB_CLASSES, tinyPcbSpec } from '@argus/vision/testing';
import { runArgus } from './testing/cli.harness';

/**
 * `argus train` a tiny parent that lacks a class, then `argus finetune` it on data that has it
 * (replay + distillation, head growth), then `argus eval --compare`: end to end in seconds on
 * synthetic PCB scenes, no infrastructure. Also the bad inputs a user meets first.
 */
const CLASSES = [...TINY_PCB_CLASSES];
const tinySpec = (classes: string[]) => tinyPcbSpec(classes);

let dir: string;
let parentDir: string;

const cli = runArgus;

const SMALL = [
  '--synthetic-count',
  '16',
  '--synthetic-val-count',
  '4',
  '--batch-size',
  '8',
  '--crops-per-image',
  '1',
  '--progress-seconds',
  '3600',
  '--no-onnx',
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'argus-finetune-'));
  const specFile = path.join(dir, 'spec.json');
  await writeFile(specFile, JSON.stringify(tinySpec(CLASSES.filter((c) => c !== 'pin-hole'))));
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
    '2',
    '--lr',
    '0.01',
    ...SMALL,
  ]);
  expect(train.err).toBe('');
  expect(train.code).toBe(0);
}, 120_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('argus finetune', () => {
  it('grows the head for the new class, rehearses and distils, and records the lineage', async () => {
    const out = path.join(dir, 'child');
    const run = await cli([
      'finetune',
      '--from',
      parentDir,
      '--data',
      'synthetic:pcb',
      '--out',
      out,
      '--run-dir',
      path.join(dir, 'child-run'),
      '--method',
      'replay-distill',
      '--exemplars',
      '6',
      '--epochs',
      '2',
      '--seed',
      '2',
      ...SMALL,
    ]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain('head grown: pin-hole added after open, short, mousebite, spur, copper');
    expect(run.out).toMatch(/exemplars: 6 of the parent's 16 training frames \(class-balanced-greedy-coverage; boxes open \d+/);
    expect(run.out).toMatch(
      /epoch 2\/2 step \d+\/\d+ loss [\d.]+ \(obj [\d.]+ cls [\d.]+ box [\d.]+ distil [\d.]+\) .* old [\d.]+ new [\d.]+ \| [\d.]+ img\/s .*ETA/,
    );

    const metadata = JSON.parse(await readFile(path.join(out, 'metadata.json'), 'utf8'));
    expect(metadata.classes).toEqual(CLASSES);
    const parent = JSON.parse(await readFile(path.join(parentDir, 'metadata.json'), 'utf8'));
    expect(metadata.lineage).toMatchObject({
      parent: { name: parent.name, version: parent.version, fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
      method: 'replay-distill',
      addedClasses: ['pin-hole'],
      newData: { source: 'synthetic:pcb', fingerprint: expect.stringMatching(/^sha256:/), trainImages: 16, validationImages: 4 },
      exemplars: {
        source: 'synthetic:pcb',
        matchesParent: true,
        rule: 'class-balanced-greedy-coverage',
        budget: 6,
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      distillation: { weight: 1, selectionThreshold: 0.1 },
      frozenPrefixes: ['backbone.stages.0.'],
      command: expect.stringMatching(/^npx argus finetune --from \S+parent --data synthetic:pcb /),
    });
    expect(metadata.lineage.exemplars.ids).toHaveLength(6);
    expect(metadata.lineage.hyperparameters).toMatchObject({
      exemplarBudget: 6,
      replayShare: 0.5,
      trainer: { epochs: 2, learningRate: 0.001 },
    });

    const compared = await cli(['eval', '--compare', parentDir, out, '--data', 'synthetic:pcb', '--runtime', 'tfjs']);
    expect(compared.code).toBe(0);
    expect(compared.out).toMatch(/^pin-hole\s+new\s+—\s+[\d.]+\s+—\s+\d+$/m);
    expect(compared.out).toMatch(/^open\s+old\s+[\d.]+\s+[\d.]+\s+[+-][\d.]+\s+\d+$/m);
    expect(compared.out).toMatch(/^old classes\s+[\d.]+\s+[\d.]+\s+[+-][\d.]+$/m);

    // Reports record what they scored: on the same data, parent and child have one fingerprint.
    const reports = [path.join(dir, 'parent-eval.json'), path.join(dir, 'child-eval.json')];
    for (const [model, report] of [
      [parentDir, reports[0]],
      [out, reports[1]],
    ] as const) {
      expect(
        (await cli(['eval', '--model', model, '--data', 'synthetic:pcb', '--seed', '1', '--runtime', 'tfjs', '--report', report as string]))
          .code,
      ).toBe(0);
    }
    const [a, b] = await Promise.all(
      reports.map(async (r) => JSON.parse(await readFile(r as string, 'utf8')) as { fingerprint: string; seed: number }),
    );
    expect(a?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b?.fingerprint).toBe(a?.fingerprint);
    expect(a?.seed).toBe(1);
  }, 180_000);

  it('says what is wrong with a missing parent, a conflicting class name, or an empty data set', async () => {
    const missing = await cli(['finetune', '--from', path.join(dir, 'nope'), '--data', 'synthetic:pcb', '--out', path.join(dir, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no metadata\.json: not a model package/);

    const manifest = path.join(dir, 'conflict.jsonl');
    await writeFile(
      manifest,
      [
        JSON.stringify({ manifest: 'argus.labelled-samples', version: 1, classes: ['Pin_Hole', 'open'] }),
        JSON.stringify({ id: 'a', image: 'a.png', boxes: [{ className: 'open', box: { x1: 1, y1: 1, x2: 5, y2: 5 } }], source: 'review' }),
      ].join('\n'),
    );
    const grown = path.join(dir, 'child'); // has pin-hole since the first test; the conflict is by spelling
    const conflict = await cli([
      'finetune',
      '--from',
      grown,
      '--data',
      `manifest:${manifest}`,
      '--method',
      'naive',
      '--out',
      path.join(dir, 'y'),
    ]);
    expect(conflict.code).toBe(1);
    expect(conflict.err).toContain(`the data's class "Pin_Hole" looks like the model's "pin-hole" spelt another way`);

    const empty = path.join(dir, 'empty.jsonl');
    await writeFile(empty, `${JSON.stringify({ manifest: 'argus.labelled-samples', version: 1, classes: ['open'] })}\n`);
    const none = await cli([
      'finetune',
      '--from',
      parentDir,
      '--data',
      `manifest:${empty}`,
      '--method',
      'naive',
      '--out',
      path.join(dir, 'z'),
    ]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/has no training samples/);
  }, 60_000);

  it('warns when the replay data is not what the parent was trained on', async () => {
    const run = await cli([
      'finetune',
      '--from',
      parentDir,
      '--data',
      'synthetic:pcb',
      '--replay',
      'synthetic:factory',
      '--out',
      path.join(dir, 'w'),
      '--run-dir',
      path.join(dir, 'w-run'),
      '--method',
      'replay',
      '--exemplars',
      '2',
      '--epochs',
      '1',
      ...SMALL,
    ]);
    expect(run.out).toMatch(/warning: the replay data \(synthetic:factory\) is not the data the parent recorded/);
  }, 120_000);
});
