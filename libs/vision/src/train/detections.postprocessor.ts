import type { Detection } from '@argus/contracts';
import type { LetterboxMapping } from '../data/letterbox';
import { postprocessDetections, type PostprocessOptions } from '../data/postprocess';
import { decodeHeadOutput } from './head-output.decoder';
import type { HeadLayout } from './head.layout';

export interface DetectionPostprocessOptions extends PostprocessOptions {
  readonly classes: readonly string[];
  /** Candidates per image before NMS (default 1000). */
  readonly maxCandidates?: number;
}

/**
 * A batch's raw head output ([batch, cells, 5 + C], row-major) → per image the final detections
 * in original image pixels: decode, score threshold, per-class NMS, letterbox undone, clipped.
 */
export function detectionsFromHeadOutput(
  raw: Float32Array,
  mappings: readonly LetterboxMapping[],
  layout: HeadLayout,
  options: DetectionPostprocessOptions,
): Detection[][] {
  const perImage = layout.cellCount * (5 + options.classes.length);
  if (raw.length !== perImage * mappings.length) {
    throw new RangeError(
      `head output has ${raw.length} values; ${mappings.length} images × ${layout.cellCount} cells × ${5 + options.classes.length} channels expected`,
    );
  }
  const scoreThreshold = options.scoreThreshold ?? 0.05;
  return mappings.map((mapping, n) => {
    const candidates = decodeHeadOutput(raw, n * perImage, layout, {
      classes: options.classes,
      scoreThreshold,
      ...(options.maxCandidates !== undefined ? { maxCandidates: options.maxCandidates } : {}),
    });
    return postprocessDetections(candidates, mapping, { ...options, scoreThreshold });
  });
}
