/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FilesystemObjectStore, MinioObjectStore, s3ConfigFromEnv, type ObjectStore } from '@argus/storage';
import { validateSpec } from '../core/architecture-spec';
import { selectTfBackend } from '../core/backend';
import { initDetectorWeights } from '../core/detector-weights';
import { silentVisionLogger } from '../core/vision-logger.port';
import { DetectorRunner } from './detector.runner';
import { buildModelPackage } from './model-package.builder';
import { ModelPackageError } from './model-package.errors';
import { folderPackageFiles, objectStorePackageFiles, type ModelPackageFiles } from './model-package.files';
import { loadModelPackage, saveModelPackage, type ModelPackage } from './model-package.store';

/** Model packages through the real S3Proxy (`infra/local/infra.sh up`), a FilesystemObjectStore and a plain folder. */
const spec = validateSpec({
  specVersion: 1,
  name: 'store-test',
  input: { height: 32, width: 32, channels: 3 },
  template: 'none',
  backbone: { stages: [{ depth: 1, width: 8, kernelSize: 3, stride: 2, activation: 'silu', block: 'residual' }] },
  neck: { type: 'none', width: 8, kernelSize: 3, activation: 'relu' },
  head: { style: 'objectness', strides: [2], depth: 1, width: 8, kernelSize: 3, activation: 'relu' },
  classes: ['scratch'],
});

let pkg: ModelPackage;
let scratch: string;

beforeAll(async () => {
  await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  pkg = await buildModelPackage({ spec, weights: initDetectorWeights(spec, 5), argusVersion: 'it', training: null, validation: null });
  scratch = await mkdtemp(path.join(tmpdir(), 'argus-model-package-'));
}, 30_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function expectRoundTrip(files: ModelPackageFiles): Promise<void> {
  await saveModelPackage(files, pkg);
  const loaded = await loadModelPackage(files);
  expect(loaded.metadata).toEqual(JSON.parse(JSON.stringify(pkg.metadata)));
  expect(loaded.weights).toEqual(pkg.weights);
  expect(Buffer.from(loaded.onnx ?? [])).toEqual(Buffer.from(pkg.onnx ?? []));
  // The loaded package runs (its ONNX file is intact).
  const runner = await DetectorRunner.open(loaded, { runtime: 'onnxruntime' });
  await runner.dispose();
}

describe('model packages in storage', () => {
  it('round-trips through S3 (MinioObjectStore against S3Proxy), with a clear error for corrupt metadata', async () => {
    const store: ObjectStore = new MinioObjectStore({ ...s3ConfigFromEnv(process.env), bucket: 'argus-vision-it' });
    await store.ensureBucket();
    const prefix = `models/it-${randomUUID()}`;
    const files = objectStorePackageFiles(store, prefix);
    await expectRoundTrip(files);
    const keys: string[] = [];
    for await (const o of store.list(`${prefix}/`)) keys.push(o.key.slice(prefix.length + 1));
    expect(keys.sort()).toEqual(['metadata.json', 'model.onnx', 'weights.bin', 'weights.json']);
    expect((await store.stat(`${prefix}/metadata.json`)).contentType).toBe('application/json');

    await store.put(`${prefix}/metadata.json`, Buffer.from('{"kind": "argus.model-package", "formatVersion": 1'), {
      contentType: 'application/json',
    });
    await expect(loadModelPackage(files)).rejects.toThrow(
      new RegExp(`model package argus-vision-it/${prefix}: metadata\\.json is not valid JSON`),
    );
    await expect(loadModelPackage(objectStorePackageFiles(store, `${prefix}-absent`))).rejects.toThrow(ModelPackageError);
    for (const key of keys) await store.delete(`${prefix}/${key}`);
  }, 30_000);

  it('round-trips through a FilesystemObjectStore and a plain folder', async () => {
    const store = new FilesystemObjectStore({ root: path.join(scratch, 'store'), bucket: 'argus' });
    await store.ensureBucket();
    await expectRoundTrip(objectStorePackageFiles(store, 'models/x/1'));

    const folder = path.join(scratch, 'folder');
    await expectRoundTrip(folderPackageFiles(folder));
    expect((await readdir(folder)).sort()).toEqual(['metadata.json', 'model.onnx', 'weights.bin', 'weights.json']);
    await writeFile(path.join(folder, 'weights.bin'), Buffer.alloc(7));
    await expect(loadModelPackage(folderPackageFiles(folder))).rejects.toThrow(
      /weights\.json: the manifest describes \d+ bytes of weights, the binary file has 7/,
    );
    await expect(loadModelPackage(folderPackageFiles(path.join(scratch, 'nothing')))).rejects.toThrow(
      'no metadata.json: not a model package',
    );
  }, 30_000);
});
