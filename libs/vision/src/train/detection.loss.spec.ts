import * as tf from '@tensorflow/tfjs-core';
import { selectTfBackend } from '../core/backend';
import { silentVisionLogger } from '../core/vision-logger.port';
import { batchTargets, bceWithLogits, DetectionLoss, disposeBatchTargets, generalizedIou } from './detection.loss';
import { HeadLayout } from './head.layout';
import { assignHeadTargets } from './head-target.assigner';

const LN2 = Math.log(2);

describe('detection loss', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  it('computes binary cross-entropy on logits stably', () => {
    const values = tf.tidy(() => Array.from(bceWithLogits(tf.tensor1d([0, 0, 2, -100, 100]), tf.tensor1d([1, 0, 0, 0, 1])).dataSync()));
    expect(values[0]).toBeCloseTo(LN2, 6);
    expect(values[1]).toBeCloseTo(LN2, 6);
    expect(values[2]).toBeCloseTo(2 + Math.log1p(Math.exp(-2)), 6);
    expect(values[3]).toBeCloseTo(0, 6);
    expect(values[4]).toBeCloseTo(0, 6);
  });

  it('computes generalised IoU: identical 1, disjoint below 0, overlapping by hand', () => {
    const giou = tf.tidy(() =>
      Array.from(
        generalizedIou(
          tf.tensor2d([
            [0, 0, 2, 2],
            [0, 0, 1, 1],
            [0, 0, 2, 2],
          ]),
          tf.tensor2d([
            [0, 0, 2, 2],
            [2, 0, 3, 1],
            [1, 1, 3, 3],
          ]),
        ).dataSync(),
      ),
    );
    expect(giou[0]).toBeCloseTo(1, 6);
    expect(giou[1]).toBeCloseTo(0 - (3 - 2) / 3, 6); // enclosing 3×1, union 2
    expect(giou[2]).toBeCloseTo(1 / 7 - (9 - 7) / 9, 6); // intersection 1, union 7, enclosing 9
  });

  it('matches a hand computation on a 2×2 grid', () => {
    // 8×8 input, stride 4: cells centred at (2,2) (6,2) (2,6) (6,6). One box on cell 0.
    const layout = new HeadLayout(8, 8, [4]);
    const target = assignHeadTargets([{ box: { x1: 0, y1: 0, x2: 4, y2: 4 }, classId: 1 }], layout, {
      classCount: 2,
      style: 'objectness',
      centreRadius: 0.5,
    });
    expect(target.positiveCount).toBe(1);
    const loss = new DetectionLoss(layout, { classCount: 2 });
    const t = batchTargets([target], layout, 2);
    // All-zero raw output: σ = 0.5 everywhere, every distance exp(0)·4 = 4.
    const raw = tf.zeros([1, 4, 7]) as tf.Tensor3D;
    const value = loss.compute(raw, t);
    // objectness: 4 cells × |y − ½|² · ln 2, over 1 positive
    expect(value.objectness.dataSync()[0]).toBeCloseTo(4 * 0.25 * LN2, 5);
    // classes: 2 × ln 2 on the positive cell
    expect(value.classification.dataSync()[0]).toBeCloseTo(2 * LN2, 5);
    // box: predicted [−2, −2, 6, 6] (area 64) vs [0, 0, 4, 4] (16 inside it): GIoU = 0.25
    expect(value.box.dataSync()[0]).toBeCloseTo(0.75, 5);
    expect(value.total.dataSync()[0]).toBeCloseTo(LN2 + 2 * LN2 + 2 * 0.75, 5);
    tf.dispose([raw, value.total, value.objectness, value.classification, value.box]);
    disposeBatchTargets(t);
    loss.dispose();
  });

  it('has finite gradients everywhere, even for extreme outputs, and none leak', () => {
    const layout = new HeadLayout(16, 16, [4, 8]);
    const targets = [
      assignHeadTargets([{ box: { x1: 1, y1: 1, x2: 9, y2: 7 }, classId: 0 }], layout, { classCount: 3, style: 'centerness' }),
      assignHeadTargets([], layout, { classCount: 3, style: 'centerness' }),
    ];
    const loss = new DetectionLoss(layout, { classCount: 3 });
    const t = batchTargets(targets, layout, 3);
    const before = tf.memory().numTensors;
    const grad = tf.tidy(() => {
      const extreme = tf.mul(tf.randomNormal([2, layout.cellCount, 8], 0, 1, 'float32', 3), 60) as tf.Tensor3D;
      return tf.grad((x: tf.Tensor) => loss.compute(x as tf.Tensor3D, t).total)(extreme);
    });
    const values = grad.dataSync();
    expect(values.length).toBe(2 * layout.cellCount * 8);
    expect(Array.from(values).every(Number.isFinite)).toBe(true);
    expect(Array.from(values).some((v) => v !== 0)).toBe(true);
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeBatchTargets(t);
    loss.dispose();
  });

  it('falls when the prediction moves towards the target', () => {
    const layout = new HeadLayout(8, 8, [4]);
    const target = assignHeadTargets([{ box: { x1: 0, y1: 0, x2: 4, y2: 4 }, classId: 0 }], layout, {
      classCount: 1,
      style: 'objectness',
      centreRadius: 0.5,
    });
    const loss = new DetectionLoss(layout, { classCount: 1 });
    const t = batchTargets([target], layout, 1);
    const at = (raw: number[]): number => tf.tidy(() => loss.compute(tf.tensor3d(raw, [1, 4, 6]), t).total.dataSync()[0] as number);
    // Cell 0 objectness/class logits up, box log-distances to ln(2/4) (exactly the target box).
    const good = [
      4,
      4,
      Math.log(0.5),
      Math.log(0.5),
      Math.log(0.5),
      Math.log(0.5),
      ...Array(18)
        .fill(0)
        .map((_v, i) => (i % 6 < 2 ? -4 : 0)),
    ];
    expect(at(good)).toBeLessThan(at(Array(24).fill(0)));
    disposeBatchTargets(t);
    loss.dispose();
  });
});
