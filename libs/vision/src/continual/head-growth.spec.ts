import * as tf from '@tensorflow/tfjs-core';
import { type ArchitectureSpec, inputChannels, validateSpec } from '../core/architecture-spec';
import { selectTfBackend } from '../core/backend';
import { DetectorModel } from '../core/detector-model';
import { type DetectorWeights, initDetectorWeights } from '../core/detector-weights';
import { silentVisionLogger } from '../core/vision-logger.port';
import { SeededRandom } from '../data/seeded-random';
import { growHead, HeadGrowthError, parentChannelIndices } from './head-growth';

function smallSpec(): ArchitectureSpec {
  return validateSpec({
    specVersion: 1,
    name: 'small',
    input: { height: 16, width: 24, channels: 1 },
    template: 'stack-difference',
    backbone: {
      stages: [
        { depth: 1, width: 6, kernelSize: 3, stride: 2, activation: 'relu', block: 'residual' },
        { depth: 1, width: 8, kernelSize: 3, stride: 2, activation: 'silu', block: 'csp' },
        { depth: 1, width: 10, kernelSize: 3, stride: 2, activation: 'leaky', block: 'plain' },
      ],
    },
    neck: { type: 'fpn-lite', width: 6, kernelSize: 3, activation: 'relu6' },
    head: { style: 'centerness', strides: [4, 8], depth: 1, width: 6, kernelSize: 3, activation: 'relu' },
    classes: ['open', 'short', 'spur'],
  });
}

/** Fresh weights, then every value jittered (batch-norm statistics included) so nothing is at its initial value. */
function trainedLookingWeights(spec: ArchitectureSpec): DetectorWeights {
  const weights = initDetectorWeights(spec, 3);
  const random = new SeededRandom(11);
  for (const [name, w] of Object.entries(weights)) {
    for (let i = 0; i < w.values.length; i++) {
      const v = (w.values[i] as number) + random.normal(0, 0.2);
      w.values[i] = name.endsWith('.bn.variance') ? Math.abs(v) + 0.1 : v;
    }
  }
  return weights;
}

describe('growHead', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  it('keeps the parent’s outputs exactly (to 1e-6) on every parent channel, and appends the new classes', () => {
    const spec = smallSpec();
    const parentWeights = trainedLookingWeights(spec);
    const grown = growHead(spec, parentWeights, ['mousebite', 'pin-hole'], 5);
    expect(grown.classes).toEqual(['open', 'short', 'spur', 'mousebite', 'pin-hole']);
    expect(grown.spec.classes).toEqual(grown.classes);
    expect(grown.addedClassIndices).toEqual([3, 4]);

    const parent = DetectorModel.fromWeights(spec, parentWeights);
    const child = DetectorModel.fromWeights(grown.spec, grown.weights);
    const input = tf.randomUniform([2, 16, 24, inputChannels(spec)], 0, 1, 'float32', 9) as tf.Tensor4D;
    const before = parent.predict(input);
    const after = child.predict(input);
    expect(after.shape).toEqual([2, before.shape[1], 5 + 5]);
    const kept = tf.gather(after, parentChannelIndices(3, 2), 2);
    const diff = tf.max(tf.abs(tf.sub(kept, before))).dataSync()[0] as number;
    expect(diff).toBeLessThanOrEqual(1e-6);
    // An added class scores at most σ(objectness)·0.0100… before training: below a 0.05 threshold.
    const added = tf.sigmoid(tf.slice(after, [0, 0, 4], [2, before.shape[1], 2])).dataSync() as Float32Array;
    expect(Math.max(...added)).toBeLessThan(0.02);
    tf.dispose([input, before, after, kept]);
    parent.dispose();
    child.dispose();
  });

  it('puts the new channels after the old classes and before l t r b, with the prior as their bias', () => {
    const spec = smallSpec();
    const weights = trainedLookingWeights(spec);
    const grown = growHead(spec, weights, ['pin-hole'], 1);
    const oldBias = weights['head.s4.predict.bias']?.values as Float32Array;
    const newBias = grown.weights['head.s4.predict.bias']?.values as Float32Array;
    expect([...newBias.slice(0, 4)]).toEqual([...oldBias.slice(0, 4)]);
    expect(newBias[4]).toBeCloseTo(Math.log(0.01 / 0.99), 6);
    expect([...newBias.slice(5)]).toEqual([...oldBias.slice(4)]);
    expect(grown.weights['head.s4.predict.kernel']?.shape).toEqual([1, 1, 6, 9]);
    // Weights away from the head are the parent's own arrays, untouched.
    expect(weights['backbone.stages.0.down.kernel']).toBeDefined();
    expect(grown.weights['backbone.stages.0.down.kernel']).toBe(weights['backbone.stages.0.down.kernel']);
  });

  it('is deterministic by seed', () => {
    const spec = smallSpec();
    const weights = trainedLookingWeights(spec);
    const a = growHead(spec, weights, ['pin-hole'], 1).weights['head.s8.predict.kernel']?.values;
    const b = growHead(spec, weights, ['pin-hole'], 1).weights['head.s8.predict.kernel']?.values;
    const c = growHead(spec, weights, ['pin-hole'], 2).weights['head.s8.predict.kernel']?.values;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('refuses a class the model already has, or one named twice', () => {
    const spec = smallSpec();
    const weights = trainedLookingWeights(spec);
    expect(() => growHead(spec, weights, ['short'], 1)).toThrow(HeadGrowthError);
    expect(() => growHead(spec, weights, ['x', 'x'], 1)).toThrow(/already in the model or repeated/);
  });

  it('changes nothing when no class is new', () => {
    const spec = smallSpec();
    const weights = trainedLookingWeights(spec);
    const grown = growHead(spec, weights, [], 1);
    expect(grown.weights).toBe(weights);
    expect(grown.addedClassIndices).toEqual([]);
  });
});
