import { validateSpec, type ArchitectureSpec } from '../core/architecture-spec';
import { initDetectorWeights } from '../core/detector-weights';
import { buildModelPackage } from './model-package.builder';
import { ModelPackageError } from './model-package.errors';
import type { ModelPackageFiles } from './model-package.files';
import { loadModelPackage, saveModelPackage } from './model-package.store';

/** Package files in a Map: the store logic without a disk. */
class MemoryFiles implements ModelPackageFiles {
  readonly location = 'memory:test';
  readonly files = new Map<string, { data: Buffer; contentType: string }>();
  async read(name: string) {
    return this.files.get(name)?.data;
  }
  async write(name: string, data: Buffer | Uint8Array, contentType: string) {
    this.files.set(name, { data: Buffer.from(data), contentType });
  }
}

const spec: ArchitectureSpec = validateSpec({
  specVersion: 1,
  name: 'tiny',
  input: { height: 32, width: 32, channels: 1 },
  template: 'stack',
  backbone: { stages: [{ depth: 0, width: 4, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' }] },
  neck: { type: 'none', width: 4, kernelSize: 3, activation: 'relu' },
  head: { style: 'objectness', strides: [2], depth: 0, width: 4, kernelSize: 3, activation: 'relu' },
  classes: ['open', 'short'],
});

async function savedPackage(): Promise<MemoryFiles> {
  const pkg = await buildModelPackage({
    spec,
    weights: initDetectorWeights(spec, 3),
    argusVersion: '9.9.9',
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    exportOnnx: false,
    postprocessing: { deploymentThreshold: 0.4 },
    training: {
      command: "npx argus train --data synthetic:pcb --feed pcb --out 'my models/x'",
      resumedWith: [],
      backend: 'wasm',
      data: {
        source: 'synthetic:pcb',
        fingerprint: 'sha256:abc',
        split: 's',
        trainImages: 3,
        validationImages: 1,
        skippedImages: 0,
        skippedAnnotations: 0,
        options: { seed: 1 },
      },
      config: { epochs: 2 },
      epochsRun: 2,
      bestEpoch: 1,
      stopReason: 'completed',
      trainImagesPerSecond: 10,
      trainingSeconds: 1,
      wallSeconds: 2,
    },
    validation: { imageCount: 1, deepPcbAp: 0.5, deepPcbFScore: 0.4, map50: 0.3, map: 0.1, selectionMetric: 'map50' },
  });
  const files = new MemoryFiles();
  await saveModelPackage(files, pkg);
  return files;
}

function editMetadata(files: MemoryFiles, edit: (json: Record<string, unknown>) => void): void {
  const entry = files.files.get('metadata.json');
  const json = JSON.parse(entry?.data.toString('utf8') ?? '{}') as Record<string, unknown>;
  edit(json);
  files.files.set('metadata.json', { data: Buffer.from(JSON.stringify(json)), contentType: 'application/json' });
}

describe('model package store', () => {
  it('saves and loads a package: metadata, weights and content types round-trip', async () => {
    const files = await savedPackage();
    expect([...files.files.keys()]).toEqual(['weights.bin', 'weights.json', 'metadata.json']);
    expect(files.files.get('metadata.json')?.contentType).toBe('application/json');
    const pkg = await loadModelPackage(files);
    expect(pkg.weights).toEqual(initDetectorWeights(spec, 3));
    expect(pkg.onnx).toBeUndefined();
    const m = pkg.metadata;
    expect(m.spec).toEqual(spec);
    expect(m.version).toBe('20260102T030405Z');
    expect(m.input).toEqual({ width: 32, height: 32, channels: 1, modelChannels: 2 });
    expect(m.template).toEqual({ mode: 'stack', required: true });
    expect(m.preprocessing).toEqual({ resize: 'letterbox', kernel: 'linear', padValue: 0, scale: '1/255', colour: 'grey' });
    expect(m.postprocessing.deploymentThreshold).toBe(0.4);
    expect(m.training?.command).toBe("npx argus train --data synthetic:pcb --feed pcb --out 'my models/x'");
    expect(m.metrics.validation?.deepPcbAp).toBe(0.5);
  });

  it('says clearly when the package is missing or its metadata is corrupt', async () => {
    await expect(loadModelPackage(new MemoryFiles())).rejects.toThrow(
      'model package memory:test: no metadata.json: not a model package (or not there)',
    );

    const truncated = await savedPackage();
    const data = truncated.files.get('metadata.json')?.data as Buffer;
    truncated.files.set('metadata.json', { data: data.subarray(0, 40), contentType: 'application/json' });
    await expect(loadModelPackage(truncated)).rejects.toThrow(/metadata\.json is not valid JSON/);

    const wrongField = await savedPackage();
    editMetadata(wrongField, (json) => {
      (json['input'] as Record<string, unknown>)['width'] = 'wide';
      delete json['createdAt'];
    });
    const error = await loadModelPackage(wrongField).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelPackageError);
    expect((error as Error).message).toMatch(/metadata\.json is invalid: .*createdAt.*input\.width/);

    const badSpec = await savedPackage();
    editMetadata(badSpec, (json) => {
      ((json['spec'] as { backbone: { stages: { stride: number }[] } }).backbone.stages[0] as { stride: number }).stride = 3;
    });
    await expect(loadModelPackage(badSpec)).rejects.toThrow(/spec: backbone\.stages\[0\]\.stride must be 1 or 2/);

    const classes = await savedPackage();
    editMetadata(classes, (json) => {
      json['classes'] = ['open', 'spur'];
    });
    await expect(loadModelPackage(classes)).rejects.toThrow('lists classes [open, spur] but its spec has [open, short]');
  });

  it('says which file is missing or damaged', async () => {
    const noWeights = await savedPackage();
    noWeights.files.delete('weights.bin');
    await expect(loadModelPackage(noWeights)).rejects.toThrow('model package memory:test: weights.bin is missing (the TF.js weights)');

    const short = await savedPackage();
    short.files.set('weights.bin', { data: Buffer.alloc(12), contentType: 'application/octet-stream' });
    await expect(loadModelPackage(short)).rejects.toThrow(/the manifest describes \d+ bytes of weights, the binary file has 12/);

    const noOnnx = await savedPackage();
    editMetadata(noOnnx, (json) => {
      (json['files'] as Record<string, unknown>)['onnx'] = 'model.onnx';
    });
    await expect(loadModelPackage(noOnnx)).rejects.toThrow('model.onnx is missing (the ONNX export its metadata lists)');
    await expect(loadModelPackage(noOnnx, { withOnnx: false })).resolves.toBeDefined();
  });
});
