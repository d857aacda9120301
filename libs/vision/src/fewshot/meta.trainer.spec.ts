/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { folderPackageFiles } from '../artifact/model-package.files';
import { loadModelPackage } from '../artifact/model-package.store';
import { selectTfBackend } from '../core/backend';
import type { DetectorWeights } from '../core/detector-weights';
import { silentVisionLogger } from '../core/vision-logger.port';
import { tinyPcbSpec } from '../testing/tiny-pcb.spec-fixture';
import { validateSpec } from '../core/architecture-spec';
import { metaInitSpec, metaTrain, MetaTrainingError, saveMetaInitPackage, type MetaTrainInput } from './meta.trainer';
import { parseSyntheticTaskSource, TaskSampler, TaskSamplingError, type TaskSource } from './task.sampler';

let dir: string;
const spec = validateSpec(tinyPcbSpec(['slot-1', 'slot-2']));

function input(name: string, over: Partial<MetaTrainInput> = {}): MetaTrainInput {
  return {
    spec,
    sampler: new TaskSampler({
      sources: [parseSyntheticTaskSource('synthetic:pcb') as TaskSource],
      excluded: ['synthetic:medical'],
      slots: spec.classes,
      shots: 2,
      queries: 1,
      size: 64,
      seed: 4,
    }),
    metaSteps: 2,
    metaBatch: 2,
    epsilon: { initial: 1, final: 0.5 },
    inner: { epochs: 1, batchSize: 2, cropsPerImage: 1 },
    seed: 4,
    runDir: path.join(dir, name),
    command: `test ${name}`,
    progressEverySeconds: 3600,
    ...over,
  };
}

const bytes = (w: DetectorWeights, name: string) => {
  const v = w[name]?.values ?? new Float32Array(0);
  return Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
};
const same = (a: DetectorWeights, b: DetectorWeights) => Object.keys(a).every((name) => bytes(a, name).equals(bytes(b, name)));

beforeAll(async () => {
  await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  dir = await mkdtemp(path.join(tmpdir(), 'argus-meta-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('metaTrain', () => {
  let full: Awaited<ReturnType<typeof metaTrain>>;

  it('runs its meta-steps, prints progress with an ETA, checkpoints θ and keeps only the latest weights', async () => {
    const lines: string[] = [];
    full = await metaTrain(input('full', { log: (l) => lines.push(l) }));
    expect(full.metaSteps).toBe(2);
    expect(full.stopReason).toBe('completed');
    expect(full.queryMap50).toHaveLength(2);
    expect(
      lines.some((l) => /^meta-step 1\/2 ε 1\.000 tasks synthetic:pcb \d-way, synthetic:pcb \d-way \| query mAP50 .* ETA /.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /^meta-step 2\/2 ε 0\.750 /.test(l))).toBe(true);
    expect((await readdir(path.join(dir, 'full'))).sort()).toEqual(['meta-state.json', 'meta-weights.bin.2', 'meta-weights.json.2']);
  }, 120_000);

  it('resumes from its checkpoint to exactly the weights of an uninterrupted run', async () => {
    let steps = 0;
    const first = await metaTrain(
      input('resumed', {
        log: (l) => {
          if (l.startsWith('meta-step')) steps++;
        },
        progressEverySeconds: 0,
        shouldStop: () => steps >= 1,
      }),
    );
    expect(first.stopReason).toBe('interrupted');
    expect(first.metaSteps).toBe(1);
    const lines: string[] = [];
    const second = await metaTrain(input('resumed', { resume: true, log: (l) => lines.push(l) }));
    expect(lines[0]).toMatch(/resuming .* at meta-step 2\/2/);
    expect(second.metaSteps).toBe(2);
    expect(same(second.weights, full.weights)).toBe(true);
    expect(same(first.weights, full.weights)).toBe(false);
    await expect(metaTrain(input('resumed', { resume: true, metaSteps: 5 }))).rejects.toThrow(MetaTrainingError);
  }, 120_000);

  it('replaces a task that cannot be built by one at a fixed other index, saying so', async () => {
    const real = input('replaced').sampler;
    const asked: number[] = [];
    const sampler = {
      describeSources: () => real.describeSources(),
      sample: async (index: number) => {
        asked.push(index);
        if (index === 0) throw new TaskSamplingError('too rare');
        return real.sample(index);
      },
    } as unknown as TaskSampler;
    const lines: string[] = [];
    const result = await metaTrain(input('replaced', { sampler, metaSteps: 1, metaBatch: 1, log: (l) => lines.push(l) }));
    expect(result.metaSteps).toBe(1);
    expect(asked).toEqual([0, 1_000_000_000]);
    expect(lines).toContain('task 0 cannot be built (too rare); replaced by task 1000000000');
  }, 60_000);

  it('writes the initialisation as a model package with its meta-init record', async () => {
    const out = path.join(dir, 'init');
    await saveMetaInitPackage({
      result: full,
      input: input('full'),
      excluded: ['synthetic:medical'],
      out: folderPackageFiles(out),
      argusVersion: 'test',
      exportOnnx: false,
    });
    const pkg = await loadModelPackage(folderPackageFiles(out));
    expect(pkg.metadata.fewShot).toMatchObject({
      kind: 'meta-init',
      method: 'reptile',
      sources: ['synthetic:pcb'],
      excluded: ['synthetic:medical'],
      slots: ['slot-1', 'slot-2'],
      metaSteps: 2,
      seed: 4,
      command: 'test full',
    });
    expect(same(pkg.weights, full.weights)).toBe(true);
  }, 60_000);
});

describe('metaInitSpec', () => {
  it('gives the template init grey stack-difference input and six slots, the plain one RGB without a template and three', () => {
    const template = metaInitSpec('template');
    expect([template.input.channels, template.template, template.classes]).toEqual([
      1,
      'stack-difference',
      ['slot-1', 'slot-2', 'slot-3', 'slot-4', 'slot-5', 'slot-6'],
    ]);
    const plain = metaInitSpec('plain');
    expect([plain.input.channels, plain.template, plain.classes.length]).toEqual([3, 'none', 3]);
  });
});
