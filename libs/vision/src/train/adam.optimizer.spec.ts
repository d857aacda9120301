import * as tf from '@tensorflow/tfjs-core';
import { selectTfBackend } from '../core/backend';
import { silentVisionLogger } from '../core/vision-logger.port';
import { AdamOptimizer } from './adam.optimizer';

describe('AdamOptimizer', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  it('takes the textbook Adam step (bias-corrected), with decoupled decay on kernels only', () => {
    const kernel = tf.variable(tf.tensor1d([1, -2]));
    const bias = tf.variable(tf.tensor1d([0.5]));
    const adam = new AdamOptimizer(
      new Map([
        ['conv.kernel', kernel],
        ['conv.bias', bias],
      ]),
      { weightDecay: 0.1, clipNorm: 0 },
    );
    const lr = 0.01;
    adam.apply(
      new Map([
        ['conv.kernel', tf.tensor1d([0.3, -4])],
        ['conv.bias', tf.tensor1d([2])],
      ]),
      lr,
    );
    // Step 1: m̂ = g, v̂ = g², update = g/(|g| + ε) = sign(g); kernel also decays by lr·0.1.
    const k = Array.from(kernel.dataSync());
    expect(k[0]).toBeCloseTo(1 * (1 - lr * 0.1) - lr, 6);
    expect(k[1]).toBeCloseTo(-2 * (1 - lr * 0.1) + lr, 6);
    expect(bias.dataSync()[0]).toBeCloseTo(0.5 - lr, 6);
    // Step 2 with g = 0: m = 0.9·g1·0.1, v = 0.999·0.001·g1²; corrected by 1 − β^2.
    adam.apply(new Map([['conv.bias', tf.tensor1d([0])]]), lr);
    const m = (0.9 * 0.1 * 2) / (1 - 0.81);
    const v = (0.999 * 0.001 * 4) / (1 - 0.999 ** 2);
    expect(bias.dataSync()[0]).toBeCloseTo(0.5 - lr - (lr * m) / (Math.sqrt(v) + 1e-8), 6);
    adam.dispose();
    tf.dispose([kernel, bias]);
  });

  it('clips the global gradient norm', () => {
    const w = tf.variable(tf.tensor1d([0, 0]));
    const adam = new AdamOptimizer(new Map([['w.bias', w]]), { clipNorm: 1 });
    expect(adam.apply(new Map([['w.bias', tf.tensor1d([30, 40])]]), 0.1)).toBeCloseTo(50, 4);
    // Adam's first step is sign-like either way; the moments show the clipping: m = 0.1·g/50.
    expect(Array.from(adam.getState().firstMoments['w.bias']?.values ?? [])).toEqual([Math.fround(0.1 * 0.6), Math.fround(0.1 * 0.8)]);
    adam.dispose();
    w.dispose();
  });

  it('saves and restores its state so a resumed run steps identically', () => {
    const run = (resumeAt: number | undefined): number[] => {
      const w = tf.variable(tf.tensor1d([1, 2, 3]));
      let adam = new AdamOptimizer(new Map([['w.kernel', w]]), { weightDecay: 0.01 });
      for (let step = 0; step < 5; step++) {
        if (step === resumeAt) {
          const state = adam.getState();
          adam.dispose();
          adam = new AdamOptimizer(new Map([['w.kernel', w]]), { weightDecay: 0.01 });
          adam.setState(state);
        }
        adam.apply(new Map([['w.kernel', tf.tensor1d([step - 1, 0.5 * step, -step])]]), 0.05);
      }
      const out = Array.from(w.dataSync());
      adam.dispose();
      w.dispose();
      return out;
    };
    expect(run(3)).toEqual(run(undefined));
  });
});
