import * as tf from '@tensorflow/tfjs-core';
import { BOX_LOG_DISTANCE_MAX, BOX_LOG_DISTANCE_MIN, type HeadLayout } from './head.layout';
import type { HeadTargets } from './head-target.assigner';

export interface DetectionLossWeights {
  readonly objectness: number;
  readonly classification: number;
  readonly box: number;
}

export const DEFAULT_LOSS_WEIGHTS: DetectionLossWeights = { objectness: 1, classification: 1, box: 2 };

export interface DetectionLossOptions {
  readonly classCount: number;
  readonly weights?: DetectionLossWeights;
  /** Focusing exponent of the (quality) focal loss on channel 0 (default 2). */
  readonly focalGamma?: number;
}

/** A batch of HeadTargets as tensors ([batch, cells] and [batch, cells, k]). */
export interface BatchTargets {
  readonly positive: tf.Tensor2D;
  readonly objectness: tf.Tensor2D;
  readonly classes: tf.Tensor3D;
  readonly boxes: tf.Tensor3D;
  readonly boxWeight: tf.Tensor2D;
  readonly positiveCount: number;
  /** Σ boxWeight, the box loss's normaliser. */
  readonly boxWeightSum: number;
}

export interface DetectionLossValue {
  readonly total: tf.Scalar;
  readonly objectness: tf.Scalar;
  readonly classification: tf.Scalar;
  readonly box: tf.Scalar;
}

/** Stacks per-image targets into batch tensors (the caller disposes them). */
export function batchTargets(targets: readonly HeadTargets[], layout: HeadLayout, classCount: number): BatchTargets {
  const b = targets.length;
  const n = layout.cellCount;
  const cat = (pick: (t: HeadTargets) => Float32Array, per: number): Float32Array => {
    const out = new Float32Array(b * n * per);
    targets.forEach((t, i) => out.set(pick(t), i * n * per));
    return out;
  };
  return {
    positive: tf.tensor2d(
      cat((t) => t.positive, 1),
      [b, n],
    ),
    objectness: tf.tensor2d(
      cat((t) => t.objectness, 1),
      [b, n],
    ),
    classes: tf.tensor3d(
      cat((t) => t.classes, classCount),
      [b, n, classCount],
    ),
    boxes: tf.tensor3d(
      cat((t) => t.boxes, 4),
      [b, n, 4],
    ),
    boxWeight: tf.tensor2d(
      cat((t) => t.boxWeight, 1),
      [b, n],
    ),
    positiveCount: targets.reduce((s, t) => s + t.positiveCount, 0),
    boxWeightSum: targets.reduce((s, t) => s + t.boxWeight.reduce((a, w) => a + w, 0), 0),
  };
}

export function disposeBatchTargets(t: BatchTargets): void {
  tf.dispose([t.positive, t.objectness, t.classes, t.boxes, t.boxWeight]);
}

/** Binary cross-entropy on logits, elementwise, stable for any x: max(x,0) − x·y + log(1 + e^−|x|). */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
}

/**
 * Generalised IoU of boxes [.., 4] (x1 y1 x2 y2) elementwise over the leading axes. Both sides
 * must have positive area (predictions do by construction, targets by assignment).
 */
export function generalizedIou(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [ax1, ay1, ax2, ay2] = tf.unstack(a, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const [bx1, by1, bx2, by2] = tf.unstack(b, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const areaA = tf.mul(tf.sub(ax2, ax1), tf.sub(ay2, ay1));
  const areaB = tf.mul(tf.sub(bx2, bx1), tf.sub(by2, by1));
  const iw = tf.relu(tf.sub(tf.minimum(ax2, bx2), tf.maximum(ax1, bx1)));
  const ih = tf.relu(tf.sub(tf.minimum(ay2, by2), tf.maximum(ay1, by1)));
  const inter = tf.mul(iw, ih);
  const union = tf.sub(tf.add(areaA, areaB), inter);
  const iou = tf.div(inter, union);
  const cw = tf.sub(tf.maximum(ax2, bx2), tf.minimum(ax1, bx1));
  const ch = tf.sub(tf.maximum(ay2, by2), tf.minimum(ay1, by1));
  const enclosing = tf.mul(cw, ch);
  return tf.sub(iou, tf.div(tf.sub(enclosing, union), enclosing));
}

/**
 * The detector's training loss on the flattened raw head output [batch, cells, 5 + C]:
 * - objectness: quality focal loss (|y − σ|^γ · BCE) over every cell, y the soft target of
 *   channel 0, normalised by the number of positive cells;
 * - classification: BCE of the class logits on positive cells, per positive;
 * - box: 1 − GIoU of the decoded box on positive cells, weighted by the target's box weight
 *   (centre-ness for the centerness style), normalised by the weights' sum.
 */
export class DetectionLoss {
  private readonly centres: tf.Tensor3D;
  private readonly strides: tf.Tensor3D;
  private readonly weights: DetectionLossWeights;
  private readonly gamma: number;

  constructor(
    readonly layout: HeadLayout,
    private readonly options: DetectionLossOptions,
  ) {
    const n = layout.cellCount;
    const centres = new Float32Array(n * 4);
    for (let i = 0; i < n; i++) {
      centres.set(
        [layout.centreX[i] as number, layout.centreY[i] as number, layout.centreX[i] as number, layout.centreY[i] as number],
        i * 4,
      );
    }
    this.centres = tf.keep(tf.tensor3d(centres, [1, n, 4]));
    this.strides = tf.keep(tf.tensor3d(layout.strides, [1, n, 1]));
    this.weights = options.weights ?? DEFAULT_LOSS_WEIGHTS;
    this.gamma = options.focalGamma ?? 2;
  }

  /** Boxes x1 y1 x2 y2 [batch, cells, 4] from the raw regression channels [batch, cells, 4]. */
  decodeBoxes(regression: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const distances = tf.mul(tf.exp(tf.clipByValue(regression, BOX_LOG_DISTANCE_MIN, BOX_LOG_DISTANCE_MAX)), this.strides);
      const signs = tf.tensor3d([-1, -1, 1, 1], [1, 1, 4]);
      return tf.add(this.centres, tf.mul(distances, signs)) as tf.Tensor3D;
    });
  }

  compute(raw: tf.Tensor3D, targets: BatchTargets): DetectionLossValue {
    const c = this.options.classCount;
    const [batch, cells, channels] = raw.shape;
    if (cells !== this.layout.cellCount || channels !== 5 + c) {
      throw new RangeError(`head output [${raw.shape.join(', ')}] does not fit ${this.layout.cellCount} cells × ${5 + c} channels`);
    }
    return tf.tidy(() => {
      const objLogits = tf.reshape(tf.slice(raw, [0, 0, 0], [batch, cells, 1]), [batch, cells]);
      const classLogits = tf.slice(raw, [0, 0, 1], [batch, cells, c]);
      const regression = tf.slice(raw, [0, 0, 1 + c], [batch, cells, 4]) as tf.Tensor3D;
      const positives = Math.max(1, targets.positiveCount);

      const objBce = bceWithLogits(objLogits, targets.objectness);
      const gap = tf.abs(tf.sub(targets.objectness, tf.sigmoid(objLogits)));
      const modulation = this.gamma === 0 ? tf.onesLike(gap) : this.gamma === 2 ? tf.square(gap) : tf.pow(gap, this.gamma);
      const objectness = tf.div(tf.sum(tf.mul(modulation, objBce)), positives) as tf.Scalar;

      const classBce = tf.sum(bceWithLogits(classLogits, targets.classes), -1);
      const classification = tf.div(tf.sum(tf.mul(classBce, targets.positive)), positives) as tf.Scalar;

      const giou = generalizedIou(this.decodeBoxes(regression), targets.boxes);
      const weightSum = Math.max(1e-6, targets.boxWeightSum);
      const box = tf.div(tf.sum(tf.mul(tf.sub(1, giou), targets.boxWeight)), weightSum) as tf.Scalar;

      const total = tf.addN([
        tf.mul(objectness, this.weights.objectness),
        tf.mul(classification, this.weights.classification),
        tf.mul(box, this.weights.box),
      ]) as tf.Scalar;
      return { total, objectness, classification, box };
    });
  }

  dispose(): void {
    tf.dispose([this.centres, this.strides]);
  }
}
