/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createPcbBoardGenerator, encodeImage, parseDeepPcbResult } from '@argus/vision';
import { runArgus } from './testing/cli.harness';

/**
 * `argus train → export → detect` end to end on a few synthetic PCB images (no infrastructure):
 * a tiny architecture so it runs in seconds, and checks that the model learns (its loss falls),
 * that the package records the command, and that detect honours the DeepPCB result contract.
 */
const tinySpec = {
  specVersion: 1,
  name: 'tiny-pcb',
  input: { height: 96, width: 96, channels: 1 },
  template: 'stack-difference',
  backbone: {
    stages: [
      { depth: 0, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
      { depth: 1, width: 12, kernelSize: 3, stride: 2, activation: 'relu', block: 'residual' },
      { depth: 1, width: 16, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
    ],
  },
  neck: { type: 'fpn-lite', width: 12, kernelSize: 3, activation: 'relu' },
  head: { style: 'centerness', strides: [4], depth: 1, width: 12, kernelSize: 3, activation: 'relu' },
  classes: ['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole'],
};

let dir: string;

const cli = runArgus;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'argus-cli-e2e-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('argus train → export → detect', () => {
  it('trains a model that learns, exports it, and detects on DeepPCB-style folders', async () => {
    const specFile = path.join(dir, 'spec.json');
    await writeFile(specFile, JSON.stringify(tinySpec));
    const modelDir = path.join(dir, 'model');
    const runDir = path.join(dir, 'run');
    const train = await cli([
      'train',
      '--data',
      'synthetic:pcb',
      '--spec',
      specFile,
      '--out',
      modelDir,
      '--run-dir',
      runDir,
      '--epochs',
      '5',
      '--batch-size',
      '8',
      '--lr',
      '0.01',
      '--synthetic-count',
      '24',
      '--synthetic-val-count',
      '4',
      '--crops-per-image',
      '2',
      '--warmup-epochs',
      '0.5',
      '--progress-seconds',
      '3600',
      '--seed',
      '3',
    ]);
    expect(train.err).toBe('');
    expect(train.code).toBe(0);
    expect(train.out).toContain('model package written to');

    // It learned: the epoch loss fell clearly.
    const state = JSON.parse(await readFile(path.join(runDir, 'checkpoint', 'state.json'), 'utf8')) as { history: { loss: number }[] };
    const losses = state.history.map((h) => h.loss);
    expect(losses).toHaveLength(5);
    expect(losses[4]).toBeLessThan(0.75 * (losses[0] as number));

    const metadata = JSON.parse(await readFile(path.join(modelDir, 'metadata.json'), 'utf8'));
    expect(metadata.training.command).toMatch(/^npx argus train --data synthetic:pcb --spec \S+spec\.json --out \S+model /);
    expect(metadata.training.data.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(metadata.onnx.maxAbsDiff).toBeLessThan(1e-3);
    expect((await readdir(modelDir)).sort()).toEqual(['metadata.json', 'model.onnx', 'training.log', 'weights.bin', 'weights.json']);
    const trainingLog = await readFile(path.join(modelDir, 'training.log'), 'utf8');
    expect(trainingLog.split('\n')[0]).toBe(`$ ${metadata.training.command}`);
    expect(trainingLog).toMatch(/\nepoch 5\/5 step \d+\/\d+ loss /);

    // export: again from the TF.js weights, into a local object store.
    const exported = await cli(['export', '--model', modelDir, '--store', `fs:${path.join(dir, 'store')}`, '--prefix', 'models/tiny/1']);
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/written to argus\/models\/tiny\/1/);
    const storedLog = await readFile(path.join(dir, 'store', 'argus', 'objects', 'models', 'tiny', '1', 'training.log'), 'utf8');
    expect(storedLog).toBe(trainingLog);

    // detect: <id>_test.jpg + <id>_temp.jpg in (DeepPCB's group/board sub-folders), <id>.txt out.
    const root = path.join(dir, 'in');
    const input = path.join(root, 'group90000', '90000');
    await mkdir(input, { recursive: true });
    const generator = createPcbBoardGenerator({ seed: 77 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const scene = generator.generate(i);
      const id = String(90000 + i);
      ids.push(id);
      await writeFile(path.join(input, `${id}_test.jpg`), await encodeImage(scene.image, 'jpeg'));
      if (scene.template) await writeFile(path.join(input, `${id}_temp.jpg`), await encodeImage(scene.template, 'jpeg'));
    }
    const out = path.join(dir, 'out');
    const detect = await cli([
      'detect',
      '--model',
      modelDir,
      '--input',
      root,
      '--out',
      out,
      '--format',
      'deeppcb',
      '--score-threshold',
      '0.01',
    ]);
    expect(detect.code).toBe(0);
    expect(detect.out).toMatch(/^argus detect: 3 image\(s\) in [\d.]+ s — [\d.]+ images\/s \(decoding included; onnxruntime, batch 8\)/);
    expect((await readdir(out)).sort()).toEqual(ids.map((id) => `${id}.txt`));
    for (const id of ids) {
      const text = await readFile(path.join(out, `${id}.txt`), 'utf8');
      const detections = parseDeepPcbResult(text, `${id}.txt`);
      for (const line of text.trim().split('\n').filter(Boolean))
        expect(line).toMatch(/^\d+,\d+,\d+,\d+,[\d.e-]+,(open|short|mousebite|spur|copper|pin-hole)$/);
      for (const d of detections) expect(d.box.x2).toBeLessThanOrEqual(256);
    }

    // --format json, and an image whose template is missing: reported, the others still written.
    await rm(path.join(input, `${ids[2]}_temp.jpg`));
    const jsonOut = path.join(dir, 'json');
    const json = await cli(['detect', '--model', modelDir, '--input', input, '--out', jsonOut, '--format', 'json', '--runtime', 'tfjs']);
    expect(json.code).toBe(1);
    expect(json.err).toContain(`${ids[2]}_test.jpg: this model compares each frame with its template, and none was given`);
    expect((await readdir(jsonOut)).sort()).toEqual([`${ids[0]}.json`, `${ids[1]}.json`]);
    const doc = JSON.parse(await readFile(path.join(jsonOut, `${ids[0]}.json`), 'utf8'));
    expect(doc).toMatchObject({ id: ids[0], image: `${ids[0]}_test.jpg`, width: 256, height: 256, model: { name: 'tiny-pcb' } });
    expect(Array.isArray(doc.detections)).toBe(true);
  }, 120_000);
});
