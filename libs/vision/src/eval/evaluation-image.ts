import type { Detection } from '@argus/contracts';
import type { SampleBox } from '../data/sample';

/**
 * One image's ground truth and a detector's output for it, both in original image pixels.
 * Ground-truth boxes marked `difficult` are neither required nor penalised (COCO's "ignore").
 */
export interface EvaluationImage {
  readonly id: string;
  readonly groundTruth: readonly SampleBox[];
  readonly detections: readonly Detection[];
}
