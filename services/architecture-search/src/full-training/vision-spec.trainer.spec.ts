/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { SearchTrainingRequestedV1 } from '@argus/contracts';
import { loadModelPackage, folderPackageFiles, selectTfBackend, type ArchitectureSpec } from '@argus/vision';
import { tinyPcbSpec } from '@argus/vision/testing';
import { FullTrainingInterruptedError } from './full-training.errors';
import type { FullTrainingJob } from './full-training.ports';
import { fullTrainingConfig, VisionSpecTrainer } from './vision-spec.trainer';

jest.setTimeout(120_000);

const settings = { maxMinutes: 5, progressEverySeconds: 10, syntheticImages: 6, argusVersion: 'test' };

function job(spec: ArchitectureSpec): FullTrainingJob {
  return {
    request: {
      requestId: '00000000-0000-4000-8000-0000000000a1',
      searchId: '00000000-0000-4000-8000-0000000000b1',
      trialId: 't1',
      controller: 'ppo',
      dataSource: 'synthetic:pcb',
    } as SearchTrainingRequestedV1,
    spec,
    epochs: 1,
    name: 'nas-spec-test',
    version: 'nas-test',
  };
}

describe('VisionSpecTrainer', () => {
  let work: string;
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: { info: () => undefined, warn: () => undefined } });
  });
  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'argus-nas-spec-trainer-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('trains a spec into a package named for the request, with the shipped split and the request in its command', async () => {
    const lines: string[] = [];
    const trained = await new VisionSpecTrainer(settings).train(
      job(tinyPcbSpec()),
      work,
      (l) => lines.push(l),
      () => false,
    );
    const pkg = await loadModelPackage(folderPackageFiles(trained.packageDir));
    expect(pkg.metadata).toMatchObject({ name: 'nas-spec-test', version: 'nas-test' });
    expect(pkg.metadata.training?.data.options).toMatchObject({ seed: 1, validationFraction: 0.2 });
    expect(pkg.metadata.training?.command).toContain('trial t1 (ppo)');
    expect(lines.some((l) => l.includes('TensorFlow.js backend in use'))).toBe(true);
  });

  it('stops at a shutdown and throws instead of handing over a half-trained package, keeping the checkpoint for the redelivery', async () => {
    const trainer = new VisionSpecTrainer(settings);
    await expect(
      trainer.train(
        job(tinyPcbSpec()),
        work,
        () => undefined,
        () => true,
      ),
    ).rejects.toBeInstanceOf(FullTrainingInterruptedError);
    expect(await readdir(path.join(work, 'train'))).toContain('checkpoint');
  });
});

describe('fullTrainingConfig', () => {
  it("is the shipped DeepPCB model's recipe with the request's epochs", () => {
    const spec = { ...tinyPcbSpec(), input: { width: 320, height: 320, channels: 1 } } as ArchitectureSpec;
    expect(fullTrainingConfig(spec, { kind: 'deeppcb', path: '/d' }, 30, settings)).toMatchObject({
      epochs: 30,
      batchSize: 16,
      learningRate: 0.003,
      cropsPerImage: 3,
      crop: { width: 128, height: 128 },
      augmentation: { boxCentredFraction: 0.6, transpose: true, brightness: 0.05, contrast: 0.1 },
      seed: 1,
      patience: 8,
      selectionMetric: 'deeppcb-ap',
      maxMinutes: 5,
    });
  });

  it('trains on whole images when the input is no larger than the crop, and by mAP@0.5 off PCB data', () => {
    const config = fullTrainingConfig(tinyPcbSpec(), { kind: 'voc', path: '/v' }, 3, settings);
    expect(config.crop).toBeUndefined();
    expect(config.selectionMetric).toBe('map50');
  });
});
