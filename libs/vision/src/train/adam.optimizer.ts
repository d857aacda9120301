import * as tf from '@tensorflow/tfjs-core';
import type { DetectorWeights } from '../core/detector-weights';

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Decoupled weight decay (AdamW) per unit learning rate, applied to `decayed` weights only. */
  readonly weightDecay?: number;
  /** Which weights decay (default: convolution kernels, names ending in `.kernel`). */
  readonly decayed?: (name: string) => boolean;
  /** Clip gradients to this global L2 norm before the update (default 10; 0 turns it off). */
  readonly clipNorm?: number;
}

/** Adam's state as plain data: what a checkpoint stores to resume exactly. */
export interface AdamState {
  readonly step: number;
  readonly firstMoments: DetectorWeights;
  readonly secondMoments: DetectorWeights;
}

/**
 * Adam (AdamW with decoupled weight decay) over named tf.Variables with a learning rate given per
 * step, so any schedule drives it; its moments can be saved and restored. tfjs-core's own
 * optimiser fixes the learning rate at construction and hides its state names.
 */
export class AdamOptimizer {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private stepCount = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly decayed: (name: string) => boolean;
  private readonly clipNorm: number;

  constructor(
    private readonly variables: ReadonlyMap<string, tf.Variable>,
    options: AdamOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.decayed = options.decayed ?? ((name) => name.endsWith('.kernel'));
    this.clipNorm = options.clipNorm ?? 10;
    for (const [name, variable] of variables) {
      this.m.set(name, tf.variable(tf.zerosLike(variable), false));
      this.v.set(name, tf.variable(tf.zerosLike(variable), false));
    }
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * One update with `grads` keyed by variable name (missing gradients count as zero: the weight
   * only decays). Returns the global gradient norm before clipping.
   */
  apply(grads: ReadonlyMap<string, tf.Tensor>, learningRate: number): number {
    const norm = tf.tidy(() => {
      const squares = [...grads.values()].map((g) => tf.sum(tf.square(g)));
      return squares.length === 0 ? 0 : Math.sqrt(tf.addN(squares).dataSync()[0] ?? 0);
    });
    const scale = this.clipNorm > 0 && norm > this.clipNorm ? this.clipNorm / norm : 1;
    this.stepCount++;
    const t = this.stepCount;
    const correction1 = 1 - this.beta1 ** t;
    const correction2 = 1 - this.beta2 ** t;
    tf.tidy(() => {
      for (const [name, variable] of this.variables) {
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        let next: tf.Tensor = variable;
        if (this.weightDecay > 0 && this.decayed(name)) {
          next = tf.mul(next, 1 - learningRate * this.weightDecay);
        }
        const grad = grads.get(name);
        if (grad === undefined) {
          if (next !== variable) variable.assign(next);
          continue;
        }
        const g = scale === 1 ? grad : tf.mul(grad, scale);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        variable.assign(tf.sub(next, tf.mul(update, learningRate)));
      }
    });
    return norm;
  }

  getState(): AdamState {
    const read = (moments: Map<string, tf.Variable>): DetectorWeights =>
      Object.fromEntries(
        [...moments].map(([name, t]) => [name, { shape: [...t.shape], values: Float32Array.from(t.dataSync() as Float32Array) }]),
      );
    return { step: this.stepCount, firstMoments: read(this.m), secondMoments: read(this.v) };
  }

  setState(state: AdamState): void {
    for (const [moments, saved, label] of [
      [this.m, state.firstMoments, 'first'],
      [this.v, state.secondMoments, 'second'],
    ] as const) {
      for (const [name, variable] of moments) {
        const value = saved[name];
        if (value === undefined || value.values.length !== variable.size) {
          throw new RangeError(`optimizer state has no ${label} moment of the right size for ${name}`);
        }
        tf.tidy(() => variable.assign(tf.tensor(value.values, variable.shape, 'float32')));
      }
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
