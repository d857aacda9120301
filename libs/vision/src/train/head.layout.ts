import type { ArchitectureSpec } from '../core/architecture-spec';

/** One head level's grid: `stride` input pixels per cell, cells row-major from `offset`. */
export interface HeadLevelGrid {
  readonly stride: number;
  readonly rows: number;
  readonly cols: number;
  /** Index of the level's first cell in the flattened head output. */
  readonly offset: number;
}

/**
 * Where each cell of the flattened head output ([batch, cells, 5 + classes], levels by ascending
 * stride, row-major — DetectorModel.predict and the ONNX export) sits in the model input:
 * its centre ((col + ½)·stride, (row + ½)·stride) and its stride. Target assignment, the loss and
 * the decoder all read cells through this one layout, so they cannot disagree.
 */
export class HeadLayout {
  readonly levels: readonly HeadLevelGrid[];
  readonly cellCount: number;
  readonly centreX: Float32Array;
  readonly centreY: Float32Array;
  readonly strides: Float32Array;

  constructor(
    readonly inputWidth: number,
    readonly inputHeight: number,
    headStrides: readonly number[],
  ) {
    const sorted = [...headStrides].sort((a, b) => a - b);
    let offset = 0;
    this.levels = sorted.map((stride) => {
      const level = { stride, rows: Math.ceil(inputHeight / stride), cols: Math.ceil(inputWidth / stride), offset };
      offset += level.rows * level.cols;
      return level;
    });
    this.cellCount = offset;
    this.centreX = new Float32Array(offset);
    this.centreY = new Float32Array(offset);
    this.strides = new Float32Array(offset);
    for (const level of this.levels) {
      for (let r = 0; r < level.rows; r++) {
        for (let c = 0; c < level.cols; c++) {
          const i = level.offset + r * level.cols + c;
          this.centreX[i] = (c + 0.5) * level.stride;
          this.centreY[i] = (r + 0.5) * level.stride;
          this.strides[i] = level.stride;
        }
      }
    }
  }

  static forSpec(spec: Pick<ArchitectureSpec, 'input' | 'head'>): HeadLayout {
    return new HeadLayout(spec.input.width, spec.input.height, spec.head.strides);
  }
}

/**
 * The box regression channels are log-distances in strides: a cell predicts
 * l = exp(raw_l)·stride (and t, r, b alike) from its centre. Raw values are clamped to this range
 * before the exponential, in training and in decoding, so a wild early prediction cannot overflow.
 */
export const BOX_LOG_DISTANCE_MIN = -4;
export const BOX_LOG_DISTANCE_MAX = 7;
