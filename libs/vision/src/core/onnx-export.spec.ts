/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import * as tf from '@tensorflow/tfjs-core';
import { onnx } from 'onnx-proto';
import { SeededRandom } from '../data/seeded-random';
import { Activation, ArchitectureSpec, BlockType, inputChannels, SpecTemplateMode, validateSpec } from './architecture-spec';
import { selectTfBackend } from './backend';
import { defaultSpec, Feed } from './default-specs';
import { DetectorWeights, initDetectorWeights } from './detector-weights';
import { exportDetectorToOnnx, ONNX_METADATA_SPEC } from './onnx-export';
import { OnnxDetectorSession, OnnxRuntimeError } from './onnx-runtime';
import { compareOnnxWithTfjs, NchwBatch } from './onnx-tfjs.comparison';
import { silentVisionLogger } from './vision-logger.port';

function spec(block: BlockType, activation: Activation, template: SpecTemplateMode, strides: number[] = [4, 8]): ArchitectureSpec {
  return validateSpec({
    specVersion: 1,
    name: `t-${block}-${activation}-${template}`,
    input: { height: 32, width: 24, channels: 1 },
    template,
    backbone: {
      stages: [
        { depth: 1, width: 8, kernelSize: 3, stride: 2, activation, block },
        { depth: 1, width: 8, kernelSize: 5, stride: 2, activation, block },
        { depth: 2, width: 12, kernelSize: 3, stride: 2, activation, block },
      ],
    },
    neck: { type: 'fpn-lite', width: 8, kernelSize: 3, activation },
    head: { style: 'centerness', strides, depth: 1, width: 8, kernelSize: 3, activation },
    classes: ['a', 'b', 'c'],
  });
}

/** Seeded weights with non-trivial batch-norm statistics and prediction biases. */
function randomWeights(s: ArchitectureSpec, seed: number): DetectorWeights {
  const weights = initDetectorWeights(s, seed);
  const random = new SeededRandom(seed);
  for (const [name, w] of Object.entries(weights)) {
    const draw =
      name.endsWith('.bn.gamma') || name.endsWith('.bn.variance')
        ? () => random.uniform(0.5, 2)
        : name.endsWith('.bn.beta') || name.endsWith('.bn.mean') || name.endsWith('.bias')
          ? () => random.normal(0, 0.5)
          : undefined;
    if (draw) w.values.forEach((_v, i) => (w.values[i] = draw()));
  }
  return weights;
}

function randomBatch(s: ArchitectureSpec, batch: number, seed: number): NchwBatch {
  const random = new SeededRandom(seed);
  const dims: [number, number, number, number] = [batch, inputChannels(s), s.input.height, s.input.width];
  return { data: Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => random.next()), dims };
}

describe('ONNX export', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  it.each<[BlockType, Activation, SpecTemplateMode]>([
    ['plain', 'relu', 'none'],
    ['residual', 'relu6', 'stack'],
    ['csp', 'silu', 'difference'],
    ['csp', 'leaky', 'stack-difference'],
    ['residual', 'silu', 'none'],
    ['plain', 'leaky', 'stack'],
  ])('matches TF.js within 1e-3: %s blocks, %s, template %s', async (block, activation, template) => {
    const s = spec(block, activation, template);
    const diff = await compareOnnxWithTfjs(s, randomWeights(s, 3), randomBatch(s, 2, 4));
    expect(diff).toBeLessThan(1e-3);
  });

  // The two feeds Argus ships models for (the others' layers are covered by the small specs above).
  it.each<Feed>(['pcb', 'factory'])('matches TF.js within 1e-3 for the %s default spec', async (feed) => {
    const s = defaultSpec(feed);
    expect(await compareOnnxWithTfjs(s, randomWeights(s, 8), randomBatch(s, 1, 9))).toBeLessThan(1e-3);
  });

  it('matches TF.js with a single head level and no neck', async () => {
    const s = validateSpec({ ...spec('csp', 'relu', 'none', [8]), neck: { type: 'none', width: 8, kernelSize: 3, activation: 'relu' } });
    expect(await compareOnnxWithTfjs(s, randomWeights(s, 5), randomBatch(s, 3, 6))).toBeLessThan(1e-3);
  });

  it('detects a wrong export (the check is not vacuous)', async () => {
    const s = spec('plain', 'relu', 'none');
    const weights = randomWeights(s, 3);
    const tampered = structuredClone(weights);
    const mean = tampered['backbone.stages.1.down.bn.mean'];
    if (mean) mean.values[0] = (mean.values[0] ?? 0) + 1;
    // Same input through TF.js with `weights` and ONNX with `tampered` must differ.
    const input = randomBatch(s, 1, 4);
    const session = await OnnxDetectorSession.create(exportDetectorToOnnx(s, tampered));
    const reference = await OnnxDetectorSession.create(exportDetectorToOnnx(s, weights));
    const [a, b] = [await session.run(input.data, input.dims), await reference.run(input.data, input.dims)];
    expect(Math.max(...a.data.map((v, i) => Math.abs(v - (b.data[i] ?? 0))))).toBeGreaterThan(1e-2);
    await Promise.all([session.dispose(), reference.dispose()]);
  });

  it('writes opset 13, NCHW input with a dynamic batch, the spec as metadata', async () => {
    const s = defaultSpec('pcb');
    const bytes = exportDetectorToOnnx(s, initDetectorWeights(s, 1), { metadata: { 'argus.trained-by': 'test' } });
    const model = onnx.ModelProto.decode(bytes);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]]);
    const input = model.graph?.input?.[0];
    expect(input?.name).toBe('input');
    expect(input?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 3, 320, 320]);
    expect(model.graph?.output?.[0]?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue))).toEqual([
      'batch',
      80 * 80,
      11,
    ]);
    expect(JSON.parse(model.metadataProps.find((p) => p.key === ONNX_METADATA_SPEC)?.value ?? '{}')).toEqual(s);
    expect(model.metadataProps.find((p) => p.key === 'argus.trained-by')?.value).toBe('test');
    // Batch norm is folded: no BatchNormalization nodes.
    const ops = new Set(model.graph?.node?.map((n) => n.opType));
    expect([...ops].sort()).toEqual(['Add', 'Concat', 'Conv', 'Relu', 'Reshape', 'Resize', 'Transpose']);
    const session = await OnnxDetectorSession.create(bytes, { intraOpNumThreads: 1 });
    for (const batch of [1, 3]) {
      const out = await session.run(new Float32Array(batch * 3 * 320 * 320), [batch, 3, 320, 320]);
      expect(out.dims).toEqual([batch, 6400, 11]);
    }
    await expect(session.run(new Float32Array(10), [1, 3, 320, 320])).rejects.toThrow('input has 10 values, [1, 3, 320, 320] needs 307200');
    await expect(session.run(new Float32Array(3 * 32 * 32), [1, 3, 32, 32])).rejects.toThrow(OnnxRuntimeError);
    await session.dispose();
  });

  it('refuses weights that do not fit the spec', () => {
    const s = spec('plain', 'relu', 'none');
    const weights = randomWeights(s, 1);
    delete weights['head.s8.predict.kernel'];
    expect(() => exportDetectorToOnnx(s, weights)).toThrow('head.s8.predict.kernel is missing');
  });

  afterAll(() => {
    expect(tf.memory().numTensors).toBe(0);
  });
});
