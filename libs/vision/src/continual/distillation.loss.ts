import * as tf from '@tensorflow/tfjs-core';
import { bceWithLogits } from '../train/detection.loss';

export interface DistillationWeights {
  readonly objectness: number;
  readonly classification: number;
  readonly box: number;
}

export const DEFAULT_DISTILLATION_WEIGHTS: DistillationWeights = { objectness: 1, classification: 1, box: 1 };

export interface DistillationOptions {
  /** Classes the parent (teacher) knows: the student's first class channels. */
  readonly parentClassCount: number;
  /** Classes the student added after them (head growth); 0 for a new product variant. */
  readonly addedClassCount: number;
  /** A cell's teacher score σ(obj)·max σ(class) at or above this selects it for class and box distillation. */
  readonly selectionThreshold?: number;
  readonly weights?: DistillationWeights;
}

export interface DistillationLossValue {
  readonly total: tf.Scalar;
  readonly objectness: tf.Scalar;
  readonly classification: tf.Scalar;
  readonly box: tf.Scalar;
  /** Cells whose class and box responses were distilled (teacher-confident, not on a new-class object). */
  readonly selectedCells: tf.Scalar;
}

export const DEFAULT_SELECTION_THRESHOLD = 0.1;

const SMOOTH_L1_BETA = 1 / 9;

/** 0.5·d²/β where |d| < β, else |d| − β/2: elementwise. */
function smoothL1(d: tf.Tensor, beta: number): tf.Tensor {
  const a = tf.abs(d);
  return tf.where(tf.less(a, beta), tf.div(tf.mul(0.5, tf.square(d)), beta), tf.sub(a, beta / 2));
}

/**
 * Knowledge distillation from the parent detector, so that fine-tuning on new data keeps what the
 * parent knew — Learning without Forgetting (Li & Hoiem 2016) as Shmelkov et al. (2017) carried it
 * to detectors, with the response selection of ERD (Feng et al. 2022, elastic response
 * distillation) for a one-stage anchor-free head:
 *
 * - objectness: the Bernoulli KL from the teacher's σ(obj) to the student's, on every cell;
 * - classes: the KL per parent class (each class logit is its own Bernoulli, as the detector is
 *   trained), on the *selected* cells only, where the teacher believes there is an object of a
 *   class it knows (score ≥ `selectionThreshold`): elsewhere its class logits were never trained
 *   and carry no knowledge worth keeping;
 * - boxes: smooth L1 (β = 1/9, Detectron's) between the student's and teacher's l t r b
 *   log-distances on the selected cells: L1 away from the teacher, and a zero gradient at it.
 *
 * Cells where the new data's ground truth has an object of an *added* class are left out of all
 * three: the teacher, who never saw that class, would teach "background" or a wrong old class
 * exactly where the labels say otherwise. Objectness and class terms are KL, not cross-entropy, so
 * each is 0 when the student matches the teacher. Each term is normalised by the selected cells
 * (at least 1), as the detection loss normalises by its positive cells.
 *
 * Why this variant: the teacher's logits are available at every cell for free (the same crop goes
 * through both models), so no proposals or pseudo-labels are needed; selecting confident cells
 * keeps the unconstrained background logits from pinning the student, which plain LwF on every
 * output does; masking added-class objects removes the one place the teacher is known to be wrong.
 */
export class DistillationLoss {
  private readonly weights: DistillationWeights;
  private readonly threshold: number;

  constructor(private readonly options: DistillationOptions) {
    this.weights = options.weights ?? DEFAULT_DISTILLATION_WEIGHTS;
    this.threshold = options.selectionThreshold ?? DEFAULT_SELECTION_THRESHOLD;
    if (!(this.threshold > 0 && this.threshold < 1)) throw new RangeError(`selection threshold must be in (0, 1), got ${this.threshold}`);
  }

  /**
   * @param student the student's flattened raw head output [batch, cells, 5 + K + N]
   * @param teacher the teacher's on the same input [batch, cells, 5 + K] (no gradient flows into it)
   * @param addedClassObjects 1 on cells that are positive for a ground-truth object of an added class, else 0 [batch, cells]
   */
  compute(student: tf.Tensor3D, teacher: tf.Tensor3D, addedClassObjects: tf.Tensor2D): DistillationLossValue {
    const k = this.options.parentClassCount;
    const n = this.options.addedClassCount;
    const [batch, cells, studentChannels] = student.shape;
    if (studentChannels !== 5 + k + n || teacher.shape[2] !== 5 + k || teacher.shape[0] !== batch || teacher.shape[1] !== cells) {
      throw new RangeError(
        `student [${student.shape.join(', ')}] and teacher [${teacher.shape.join(', ')}] do not fit ${k} parent and ${n} added classes`,
      );
    }
    return tf.tidy(() => {
      const t = stopGradient(teacher);
      const pick = (x: tf.Tensor3D, from: number, size: number) => tf.slice(x, [0, 0, from], [batch, cells, size]);
      const tObj = tf.reshape(pick(t, 0, 1), [batch, cells]);
      const sObj = tf.reshape(pick(student, 0, 1), [batch, cells]);
      const tCls = pick(t, 1, k);
      const sCls = pick(student, 1, k);
      const tBox = pick(t, 1 + k, 4);
      const sBox = pick(student, 1 + k + n, 4);

      const keep = tf.sub(1, addedClassObjects);
      const teacherScore = tf.mul(tf.sigmoid(tObj), tf.max(tf.sigmoid(tCls), -1));
      const selected = tf.mul(tf.cast(tf.greaterEqual(teacherScore, this.threshold), 'float32'), keep);
      const selectedCells = tf.sum(selected) as tf.Scalar;
      const norm = tf.maximum(selectedCells, 1);

      const objectness = tf.div(tf.sum(tf.mul(bernoulliKl(tObj, sObj), keep)), norm) as tf.Scalar;
      const classKl = tf.sum(bernoulliKl(tCls, sCls), -1);
      const classification = tf.div(tf.sum(tf.mul(classKl, selected)), norm) as tf.Scalar;
      const boxL1 = tf.sum(smoothL1(tf.sub(sBox, tBox), SMOOTH_L1_BETA), -1);
      const box = tf.div(tf.sum(tf.mul(boxL1, selected)), norm) as tf.Scalar;

      const total = tf.addN([
        tf.mul(objectness, this.weights.objectness),
        tf.mul(classification, this.weights.classification),
        tf.mul(box, this.weights.box),
      ]) as tf.Scalar;
      return { total, objectness, classification, box, selectedCells };
    });
  }
}

/** The identity, with no gradient flowing back (TF.js has no stopGradient op): the teacher is a target. */
const stopGradient = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
}) as <T extends tf.Tensor>(x: T) => T;

/**
 * KL(Bern(σ(t)) ‖ Bern(σ(s))) elementwise from logits: the cross-entropy of the student against the
 * teacher's probability, less the teacher's own entropy (its cross-entropy against itself).
 */
export function bernoulliKl(teacherLogits: tf.Tensor, studentLogits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.sigmoid(teacherLogits);
    return tf.relu(tf.sub(bceWithLogits(studentLogits, p), bceWithLogits(teacherLogits, p)));
  });
}
