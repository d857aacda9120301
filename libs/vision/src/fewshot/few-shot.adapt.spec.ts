/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildModelPackage } from '../artifact/model-package.builder';
import { folderPackageFiles } from '../artifact/model-package.files';
import { loadModelPackage, type ModelPackage } from '../artifact/model-package.store';
import { validateSpec, type ArchitectureSpec } from '../core/architecture-spec';
import { selectTfBackend } from '../core/backend';
import { silentVisionLogger } from '../core/vision-logger.port';
import { loadFineTuneData } from '../continual/fine-tune.pipeline';
import type { FineTuneData } from '../continual/fine-tune';
import { initialWeights } from '../train/detector.trainer';
import { tinyPcbSpec } from '../testing/tiny-pcb.spec-fixture';
import { adaptFewShot, calibrateEpochs, FewShotInputError } from './few-shot.adapt';
import { runFewShotPipeline } from './few-shot.pipeline';

let dir: string;
let pcb: FineTuneData;
let medical: FineTuneData;
const FAST = { batchSize: 4, cropsPerImage: 1, progressEverySeconds: 3600 } as const;

async function tinyPackage(spec: ArchitectureSpec, fewShot?: ModelPackage['metadata']['fewShot']): Promise<ModelPackage> {
  return buildModelPackage({
    spec: validateSpec(spec),
    weights: initialWeights(validateSpec(spec), 7),
    argusVersion: 'test',
    exportOnnx: false,
    training: null,
    validation: null,
    ...(fewShot ? { fewShot } : {}),
  });
}

beforeAll(async () => {
  await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  dir = await mkdtemp(path.join(tmpdir(), 'argus-fewshot-'));
  const options = { seed: 3, syntheticCount: 4, syntheticValidationCount: 2, syntheticSize: 96 };
  pcb = await loadFineTuneData({ kind: 'synthetic', feed: 'pcb' }, options);
  medical = await loadFineTuneData({ kind: 'synthetic', feed: 'medical' }, options);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

const base = (name: string) => ({ seed: 5, runDir: path.join(dir, name), command: `test ${name}` });

describe('adaptFewShot', () => {
  it('scratch: the given architecture, fresh weights, every class a fresh channel, the last weights shipped', async () => {
    const result = await adaptFewShot({
      ...base('scratch'),
      start: 'scratch',
      spec: tinyPcbSpec(),
      data: pcb,
      config: { ...FAST, epochs: 2 },
    });
    expect(result.spec.classes).toEqual(pcb.classes);
    expect(result.training.stopReason).toBe('completed');
    expect(result.training.state.epoch).toBe(2);
    expect(result.lineage).toMatchObject({
      kind: 'adaptation',
      start: 'scratch',
      from: null,
      shots: 4,
      frozenPrefixes: [],
      shipped: 'last',
    });
    expect(result.lineage.classSources.every((s) => s === null)).toBe(true);
    expect(result.lineage.data.shotIds).toEqual(pcb.train.map((s) => s.id));
    expect(result.validation).toHaveLength(2);
  }, 60_000);

  it('stops when the wall-clock budget is spent (the trainer sees the same clock)', async () => {
    let t = 0;
    const now = () => (t += 1000); // every reading of the clock is one more second
    const result = await adaptFewShot({
      ...base('budget'),
      start: 'scratch',
      spec: tinyPcbSpec(),
      data: pcb,
      budgetSeconds: 30,
      now,
      config: { ...FAST, epochs: 500 },
    });
    expect(result.training.stopReason).toBe('time-budget');
    expect(result.training.state.epoch).toBeLessThan(500);
    expect(result.lineage.budgetSeconds).toBe(30);
    expect(result.lineage.stopReason).toBe('time-budget');
    // The trainer's own limit is what is left of the adaptation's budget after decoding, not more.
    expect((result.lineage.hyperparameters['maxMinutes'] as number) * 60).toBeLessThanOrEqual(30);
  }, 60_000);

  it('sizes the epochs to the budget with a probe when the caller does not fix them, and stays within it', async () => {
    const started = Date.now();
    const result = await adaptFewShot({
      ...base('probe'),
      start: 'scratch',
      spec: tinyPcbSpec(),
      data: pcb,
      budgetSeconds: 4,
      config: FAST,
    });
    expect(result.lineage.hyperparameters['epochs']).toBeGreaterThanOrEqual(1);
    expect(result.seconds).toBeLessThan(4 + 2); // the budget, and at most one step and a checkpoint over it
    expect(result.seconds).toBeGreaterThan(2); // and the sized schedule uses most of it
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it('finetune from a grey template model to RGB frames without a template: transplanted, warned, backbone frozen but the converted stem', async () => {
    const parent = await tinyPackage(tinyPcbSpec());
    const logs: string[] = [];
    const result = await adaptFewShot({
      ...base('finetune'),
      start: 'finetune',
      from: parent,
      input: { channels: 3, template: 'none' },
      data: medical,
      log: (line) => logs.push(line),
      config: { ...FAST, epochs: 1 },
    });
    expect(result.spec.input.channels).toBe(3);
    expect(result.spec.template).toBe('none');
    expect(result.spec.classes).toEqual(['RBC', 'WBC', 'Platelets']);
    expect(result.lineage.frozenPrefixes).toEqual(['backbone.stages.1.']);
    expect(result.lineage.from?.name).toBe(parent.metadata.name);
    expect(result.lineage.classSources).toEqual([null, null, null]);
    expect(result.warnings.join('\n')).toMatch(
      /transplant: input grey, template stack-difference → RGB, template none: .*frame carried over \(grey → RGB/,
    );
    expect(logs.join('\n')).toMatch(/frozen backbone.stages.1./);
    // Frozen weights did not move; the stem did (it was converted, so it trains).
    expect(result.weights['backbone.stages.1.down.kernel']?.values).toEqual(parent.weights['backbone.stages.1.down.kernel']?.values);
  }, 60_000);

  it('finetune on the same input freezes the whole backbone and keeps the classes it knows', async () => {
    const parent = await tinyPackage(tinyPcbSpec(['open', 'short']));
    const data = { ...pcb, classes: ['short', 'spur'] };
    const result = await adaptFewShot({ ...base('finetune-same'), start: 'finetune', from: parent, data, config: { ...FAST, epochs: 1 } });
    expect(result.lineage.frozenPrefixes).toEqual(['backbone.']);
    expect(result.lineage.classSources).toEqual(['short', null]);
    expect(result.lineage.transplant).toEqual([]);
  }, 60_000);

  it('meta: the new classes take the init’s slots in order, classes beyond them fresh channels', async () => {
    const init = await tinyPackage(tinyPcbSpec(['slot-1', 'slot-2']), {
      kind: 'meta-init',
      method: 'reptile',
      sources: ['synthetic:pcb'],
      excluded: ['synthetic:medical'],
      slots: ['slot-1', 'slot-2'],
      metaSteps: 0,
      seed: 1,
      seconds: 0,
      hyperparameters: {},
      command: 'test',
    });
    const result = await adaptFewShot({ ...base('meta'), start: 'meta', from: init, data: pcb, config: { ...FAST, epochs: 1 } });
    expect(result.lineage.classSources).toEqual(['slot-1', 'slot-2', null, null, null, null]);
    expect(result.lineage.frozenPrefixes).toEqual([]);
    expect(result.warnings).toEqual([]);
  }, 60_000);

  it('refuses what it cannot start from', async () => {
    await expect(adaptFewShot({ ...base('bad1'), start: 'finetune', data: pcb })).rejects.toThrow(/needs a package to start from/);
    await expect(adaptFewShot({ ...base('bad2'), start: 'scratch', data: pcb })).rejects.toThrow(/needs an architecture/);
    const unlabelled = { ...pcb, train: pcb.train.map((s) => ({ ...s, boxes: [] })) };
    await expect(adaptFewShot({ ...base('bad3'), start: 'scratch', spec: tinyPcbSpec(), data: unlabelled })).rejects.toThrow(
      FewShotInputError,
    );
    await expect(adaptFewShot({ ...base('bad4'), start: 'scratch', spec: tinyPcbSpec(), data: pcb, budgetSeconds: 0 })).rejects.toThrow(
      /positive/,
    );
  });
});

describe('calibrateEpochs', () => {
  it('fits the remaining seconds at the measured speed, at least one epoch', () => {
    expect(calibrateEpochs(100, 20, 80)).toBe(25);
    expect(calibrateEpochs(1, 20, 80)).toBe(1);
    expect(calibrateEpochs(100, 0, 80)).toBe(1);
  });
});

describe('runFewShotPipeline', () => {
  it('writes a package with its few-shot record and evaluation.json', async () => {
    const out = path.join(dir, 'package');
    const result = await runFewShotPipeline({
      ...base('pipeline'),
      start: 'scratch',
      spec: tinyPcbSpec(),
      data: pcb,
      config: { ...FAST, epochs: 1 },
      out: folderPackageFiles(out),
      argusVersion: 'test',
      backend: 'wasm',
      exportOnnx: false,
    });
    const loaded = await loadModelPackage(folderPackageFiles(out));
    expect(loaded.metadata.fewShot).toMatchObject({ kind: 'adaptation', start: 'scratch', shots: 4 });
    expect(loaded.metadata.metrics.validation?.imageCount).toBe(2);
    const evaluation = JSON.parse(await readFile(path.join(out, 'evaluation.json'), 'utf8')) as {
      data: string;
      report: { imageCount: number };
    };
    expect(evaluation.data).toBe('synthetic:pcb');
    expect(evaluation.report.imageCount).toBe(2);
    expect(result.report?.coco.map50).toBeGreaterThanOrEqual(0);
    expect(loaded.trainingLog).toMatch(/adaptation stopped \(completed\)/);
  }, 60_000);
});
