import type { Detection } from '@argus/contracts';
import { BOX_LOG_DISTANCE_MAX, BOX_LOG_DISTANCE_MIN, type HeadLayout } from './head.layout';

/**
 * Meaning of the head's channels per cell (what the training loss teaches, what serving decodes):
 * - channel 0: objectness (or centre-ness) logit — σ is the cell's "there is an object here";
 * - channels 1..C: class logits, trained on positive cells only — σ is "…of this class";
 * - the last four: l, t, r, b log-distances (see BOX_LOG_DISTANCE_*), box = centre ∓ exp(raw)·stride.
 * A cell's score for class c is σ(channel 0)·σ(class c).
 */
export interface HeadDecodeOptions {
  readonly classes: readonly string[];
  /** Candidates scoring below this are dropped (default 0.05). */
  readonly scoreThreshold?: number;
  /** At most this many candidates per image go on to NMS, best first (default 1000). */
  readonly maxCandidates?: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function clampLog(x: number): number {
  return x < BOX_LOG_DISTANCE_MIN ? BOX_LOG_DISTANCE_MIN : x > BOX_LOG_DISTANCE_MAX ? BOX_LOG_DISTANCE_MAX : x;
}

/**
 * Decodes one image's raw head output (`cells × (5 + C)` floats, row-major, starting at
 * `offset` in `raw`) into candidate detections in model-input pixels, before NMS.
 */
export function decodeHeadOutput(raw: Float32Array, offset: number, layout: HeadLayout, options: HeadDecodeOptions): Detection[] {
  const classes = options.classes;
  const channels = 5 + classes.length;
  const threshold = options.scoreThreshold ?? 0.05;
  const maxCandidates = options.maxCandidates ?? 1000;
  // σ(x) ≥ t ⇔ x ≥ logit(t): most cells are rejected without an exponential.
  const objLogitFloor = threshold <= 0 ? -Infinity : threshold >= 1 ? Infinity : Math.log(threshold / (1 - threshold));
  const out: Detection[] = [];
  for (let cell = 0; cell < layout.cellCount; cell++) {
    const base = offset + cell * channels;
    const objLogit = raw[base] as number;
    if (objLogit < objLogitFloor) continue;
    const obj = sigmoid(objLogit);
    let box: Detection['box'] | undefined;
    for (let c = 0; c < classes.length; c++) {
      const score = obj * sigmoid(raw[base + 1 + c] as number);
      if (score < threshold) continue;
      if (box === undefined) {
        const stride = layout.strides[cell] as number;
        const cx = layout.centreX[cell] as number;
        const cy = layout.centreY[cell] as number;
        const r = base + 1 + classes.length;
        box = {
          x1: cx - Math.exp(clampLog(raw[r] as number)) * stride,
          y1: cy - Math.exp(clampLog(raw[r + 1] as number)) * stride,
          x2: cx + Math.exp(clampLog(raw[r + 2] as number)) * stride,
          y2: cy + Math.exp(clampLog(raw[r + 3] as number)) * stride,
        };
      }
      out.push({ className: classes[c] as string, score, box });
    }
  }
  if (out.length > maxCandidates) {
    out.sort((a, b) => b.score - a.score);
    out.length = maxCandidates;
  }
  return out;
}
