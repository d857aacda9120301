import * as tf from '@tensorflow/tfjs-core';
import { selectTfBackend } from '../core/backend';
import { silentVisionLogger } from '../core/vision-logger.port';
import { bernoulliKl, DistillationLoss } from './distillation.loss';

/*
 * Hand-computed case: one image, two cells, one parent class, one added class.
 *   teacher  cell 0: obj 2, class 1, l t r b 0.1 0.2 0.3 0.4     cell 1: obj −3, class −1, boxes 0
 *   student  cell 0: obj 1, class 0, added 5, l t r b 0.2 0.2 0.1 0.4   cell 1: obj −2, class 2, added 0, boxes 1
 * Teacher scores σ(2)σ(1) = 0.6439 (selected at 0.1) and σ(−3)σ(−1) = 0.0128 (not selected).
 *   KL(p‖q) = p ln(p/q) + (1−p) ln((1−p)/(1−q))
 *   objectness: KL(σ(2)‖σ(1)) = 0.067131 on cell 0, KL(σ(−3)‖σ(−2)) = 0.030915 on cell 1 → 0.098046 / 1 selected cell
 *   classes (cell 0 only): KL(σ(1)‖σ(0)) = 0.110944
 *   boxes (cell 0 only), smooth L1 with β = 1/9 of the differences 0.1, 0, −0.2, 0:
 *     0.5·0.1²·9 = 0.045, 0, 0.2 − 1/18 = 0.144444, 0 → 0.189444
 *   total (weights 1, 1, 1) = 0.398434
 * The student's added-class logit (5) takes no part.
 */
const TEACHER = [
  [2, 1, 0.1, 0.2, 0.3, 0.4],
  [-3, -1, 0, 0, 0, 0],
];
const STUDENT = [
  [1, 0, 5, 0.2, 0.2, 0.1, 0.4],
  [-2, 2, 0, 1, 1, 1, 1],
];

function values(loss: ReturnType<DistillationLoss['compute']>) {
  const read = (t: tf.Scalar) => t.dataSync()[0] as number;
  return {
    total: read(loss.total),
    objectness: read(loss.objectness),
    classification: read(loss.classification),
    box: read(loss.box),
    selectedCells: read(loss.selectedCells),
  };
}

describe('DistillationLoss', () => {
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
  });

  it('matches the hand-computed KL and L1 terms on the teacher-selected cells', () => {
    const loss = new DistillationLoss({ parentClassCount: 1, addedClassCount: 1 });
    const got = values(loss.compute(tf.tensor3d([STUDENT]), tf.tensor3d([TEACHER]), tf.tensor2d([[0, 0]])));
    expect(got.selectedCells).toBe(1);
    expect(got.objectness).toBeCloseTo(0.098046, 5);
    expect(got.classification).toBeCloseTo(0.110944, 5);
    expect(got.box).toBeCloseTo(0.189444, 5);
    expect(got.total).toBeCloseTo(0.398434, 5);
  });

  it('leaves out cells that hold an object of an added class', () => {
    const loss = new DistillationLoss({ parentClassCount: 1, addedClassCount: 1 });
    const got = values(loss.compute(tf.tensor3d([STUDENT]), tf.tensor3d([TEACHER]), tf.tensor2d([[1, 0]])));
    expect(got.selectedCells).toBe(0);
    expect(got.objectness).toBeCloseTo(0.030915, 5);
    expect(got.classification).toBe(0);
    expect(got.box).toBe(0);
  });

  it('weighs each term as told', () => {
    const loss = new DistillationLoss({ parentClassCount: 1, addedClassCount: 1, weights: { objectness: 2, classification: 0, box: 0.5 } });
    const got = values(loss.compute(tf.tensor3d([STUDENT]), tf.tensor3d([TEACHER]), tf.tensor2d([[0, 0]])));
    expect(got.total).toBeCloseTo(2 * 0.098046 + 0.5 * 0.189444, 5);
  });

  it('is 0 with a zero gradient when the student equals the teacher (no added class)', () => {
    const loss = new DistillationLoss({ parentClassCount: 1, addedClassCount: 0 });
    const teacher = tf.tensor3d([TEACHER]);
    const student = tf.variable(tf.tensor3d([TEACHER]));
    const { value, grads } = tf.variableGrads(
      () => loss.compute(student as unknown as tf.Tensor3D, teacher, tf.zeros([1, 2])).total,
      [student],
    );
    expect(value.dataSync()[0]).toBeCloseTo(0, 6);
    const g = grads[student.name]?.dataSync() as Float32Array;
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-5);
  });

  it('sends gradients to the student only', () => {
    const loss = new DistillationLoss({ parentClassCount: 1, addedClassCount: 1 });
    const teacher = tf.variable(tf.tensor3d([TEACHER]));
    const student = tf.variable(tf.tensor3d([STUDENT]));
    const { grads } = tf.variableGrads(
      () => loss.compute(student as unknown as tf.Tensor3D, teacher as unknown as tf.Tensor3D, tf.zeros([1, 2])).total,
      [student, teacher],
    );
    const teacherGrad = grads[teacher.name]?.dataSync() as Float32Array;
    expect(Math.max(...teacherGrad.map(Math.abs))).toBe(0);
    // d(smooth L1)/d(student l) on cell 0 is (0.2 − 0.1)·9 = 0.9; the added-class channel gets none.
    const g = grads[student.name]?.arraySync() as number[][][];
    expect(g[0]?.[0]?.[3]).toBeCloseTo(0.9, 5);
    expect(g[0]?.[0]?.[2]).toBe(0);
  });

  it('refuses outputs that do not fit the class counts', () => {
    const loss = new DistillationLoss({ parentClassCount: 2, addedClassCount: 1 });
    expect(() => loss.compute(tf.tensor3d([STUDENT]), tf.tensor3d([TEACHER]), tf.zeros([1, 2]))).toThrow(/do not fit 2 parent and 1 added/);
  });

  it('bernoulliKl is KL(σ(t) ‖ σ(s)) from logits', () => {
    const kl = bernoulliKl(tf.tensor1d([2, -3]), tf.tensor1d([1, -2])).dataSync();
    expect(kl[0]).toBeCloseTo(0.067131, 5);
    expect(kl[1]).toBeCloseTo(0.030915, 5);
  });
});
