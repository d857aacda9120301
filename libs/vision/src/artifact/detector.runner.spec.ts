/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { validateSpec, type ArchitectureSpec } from '../core/architecture-spec';
import { selectTfBackend } from '../core/backend';
import { initDetectorWeights } from '../core/detector-weights';
import { silentVisionLogger } from '../core/vision-logger.port';
import { encodeImage } from '../data/image-codec';
import { SeededRandom } from '../data/seeded-random';
import { DetectorRunner } from './detector.runner';
import { buildModelPackage } from './model-package.builder';

const spec: ArchitectureSpec = validateSpec({
  specVersion: 1,
  name: 'runner-test',
  input: { height: 32, width: 32, channels: 1 },
  template: 'stack-difference',
  backbone: {
    stages: [
      { depth: 0, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
      { depth: 1, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'csp' },
    ],
  },
  neck: { type: 'fpn-lite', width: 8, kernelSize: 3, activation: 'relu' },
  head: { style: 'centerness', strides: [2, 4], depth: 1, width: 8, kernelSize: 3, activation: 'relu' },
  classes: ['open', 'short'],
});

async function image(width: number, height: number, seed: number): Promise<Buffer> {
  const random = new SeededRandom(seed);
  const data = new Uint8Array(width * height).map(() => random.int(0, 255));
  return encodeImage({ data, width, height, channels: 1 }, 'png');
}

jest.setTimeout(30_000);

describe('DetectorRunner', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  it('gives the same detections through ONNX Runtime and TF.js, in original pixels', async () => {
    const pkg = await buildModelPackage({
      spec,
      weights: initDetectorWeights(spec, 11),
      argusVersion: 'test',
      exportOnnx: true,
      postprocessing: { scoreThreshold: 0.00005, maxDetections: 20 },
      training: null,
      validation: null,
    });
    expect(pkg.metadata.onnx?.maxAbsDiff).toBeLessThan(1e-4);
    const inputs = [
      { image: await image(64, 48, 1), template: await image(64, 48, 2), label: 'a' },
      { image: await image(32, 32, 3), template: await image(32, 32, 4), label: 'b' },
    ];
    const onnx = await DetectorRunner.open(pkg, { runtime: 'onnxruntime' });
    const tfjs = await DetectorRunner.open(pkg, { runtime: 'tfjs' });
    try {
      expect([onnx.runtime, tfjs.runtime]).toEqual(['onnxruntime', 'tfjs']);
      const a = await onnx.detect(inputs);
      const b = await tfjs.detect(inputs);
      expect(a.failures).toEqual([]);
      expect(a.imageSizes).toEqual([
        { width: 64, height: 48 },
        { width: 32, height: 32 },
      ]);
      expect(a.detections[0]?.length).toBeGreaterThan(0);
      expect(a.detections.map((d) => d.length)).toEqual(b.detections.map((d) => d.length));
      a.detections.forEach((list, i) =>
        list.forEach((d, k) => {
          const other = b.detections[i]?.[k];
          expect(other?.className).toBe(d.className);
          expect(Math.abs((other?.score ?? 0) - d.score)).toBeLessThan(1e-4);
          expect(Math.abs((other?.box.x1 ?? 0) - d.box.x1)).toBeLessThan(1e-2);
          expect(d.box.x2).toBeLessThanOrEqual(i === 0 ? 64 : 32);
          expect(d.box.y2).toBeLessThanOrEqual(i === 0 ? 48 : 32);
        }),
      );
    } finally {
      await onnx.dispose();
      await tfjs.dispose();
    }
  });

  it('reports a bad input (missing template, undecodable bytes) and carries on with the rest', async () => {
    const pkg = await buildModelPackage({
      spec,
      weights: initDetectorWeights(spec, 1),
      argusVersion: 'test',
      exportOnnx: true,
      training: null,
      validation: null,
    });
    const runner = await DetectorRunner.open(pkg);
    try {
      const result = await runner.detect([
        { image: await image(32, 32, 1), label: 'no-template' },
        { image: await image(32, 32, 2), template: await image(32, 32, 3), label: 'fine' },
        { image: Buffer.from('not an image'), template: await image(32, 32, 3), label: 'garbage' },
      ]);
      expect(result.failures.map((f) => [f.index, f.label, f.error.name])).toEqual([
        [0, 'no-template', 'TemplateMissingError'],
        [2, 'garbage', 'ImageDecodeError'],
      ]);
      expect(result.imageSizes).toEqual([undefined, { width: 32, height: 32 }, undefined]);
      expect(result.detections[0]).toEqual([]);
    } finally {
      await runner.dispose();
    }
  });
});
