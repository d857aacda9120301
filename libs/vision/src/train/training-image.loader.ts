import { readImageHeader } from '../data/image-codec';
import { TemplateMismatchError, TemplateMissingError } from '../data/image-input.errors';
import { readImageRef, type ObjectBytesReader } from '../data/image-ref.reader';
import { boxToModelInput, type LetterboxMapping } from '../data/letterbox';
import { letterboxImage, type TemplateMode } from '../data/preprocess';
import type { LabelledSample, SampleBox } from '../data/sample';
import type { TrainingImage } from './sample.augmenter';

/** A decoded sample: model-resolution pixels for training, and what evaluation in original pixels needs. */
export interface LoadedSample extends TrainingImage {
  readonly mapping: LetterboxMapping;
  /** Ground truth in original pixels (boxes of unknown classes left out). */
  readonly groundTruth: readonly SampleBox[];
  /**
   * The classes this image was labelled for, when not every class of the model (an old frame
   * labelled before a class was added): detections of other classes on it are neither right nor
   * wrong, and evaluation leaves them out.
   */
  readonly labelledClasses?: readonly string[];
}

export interface SkippedSample {
  readonly id: string;
  readonly reason: string;
}

export interface TrainingImageLoadOptions {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly templateMode: TemplateMode;
  readonly classes: readonly string[];
  readonly padValue?: number;
  readonly objects?: ObjectBytesReader;
  /** Images decoded at once (default 8; sharp decodes on its own thread pool). */
  readonly concurrency?: number;
  /** Called after each sample, loaded or skipped. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Decodes and letterboxes samples once, the same way serving does (data/preprocess), keeping bytes
 * for augmentation. A bad sample — undecodable or truncated image, missing or mismatched template,
 * a box of an unknown class — is skipped and reported, never fatal: long runs carry on.
 */
export async function loadTrainingImages(
  samples: readonly LabelledSample[],
  options: TrainingImageLoadOptions,
): Promise<{ images: LoadedSample[]; skipped: SkippedSample[]; unknownClassBoxes: number }> {
  const classIndex = new Map(options.classes.map((name, i) => [name, i]));
  const results: (LoadedSample | SkippedSample)[] = new Array(samples.length);
  let unknownClassBoxes = 0;
  let done = 0;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const pre = { width: options.width, height: options.height, channels: options.channels, padValue: options.padValue ?? 0 };

  const loadOne = async (sample: LabelledSample): Promise<LoadedSample> => {
    const useTemplate = options.templateMode !== 'none';
    if (useTemplate && sample.template === undefined) throw new TemplateMissingError(sample.id);
    const [frameBytes, templateBytes] = await Promise.all([
      readImageRef(sample.image, options.objects),
      useTemplate && sample.template ? readImageRef(sample.template, options.objects) : undefined,
    ]);
    const frameHeader = await readImageHeader(frameBytes, { label: sample.id });
    const templateHeader = templateBytes ? await readImageHeader(templateBytes, { label: `${sample.id} template` }) : undefined;
    if (templateHeader && (templateHeader.width !== frameHeader.width || templateHeader.height !== frameHeader.height)) {
      throw new TemplateMismatchError(
        { width: frameHeader.width, height: frameHeader.height },
        { width: templateHeader.width, height: templateHeader.height },
        sample.id,
      );
    }
    const [frame, template] = await Promise.all([
      letterboxImage(frameBytes, pre, sample.id, frameHeader),
      templateBytes ? letterboxImage(templateBytes, pre, `${sample.id} template`, templateHeader) : undefined,
    ]);
    const groundTruth: SampleBox[] = [];
    const boxes = [];
    for (const b of sample.boxes) {
      const classId = classIndex.get(b.className);
      if (classId === undefined) {
        unknownClassBoxes++;
        continue;
      }
      const { x1, y1, x2, y2 } = b.box;
      if (x2 > frameHeader.width + 1 || y2 > frameHeader.height + 1) {
        throw new RangeError(`box ${x1},${y1},${x2},${y2} lies outside the ${frameHeader.width}x${frameHeader.height} image`);
      }
      groundTruth.push(b);
      boxes.push({ box: boxToModelInput(b.box, frame.mapping), classId });
    }
    return {
      id: sample.id,
      width: options.width,
      height: options.height,
      channels: options.channels,
      frame: frame.pixels,
      ...(template ? { template: template.pixels } : {}),
      boxes,
      mapping: frame.mapping,
      groundTruth,
    };
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < samples.length) {
      const index = next++;
      const sample = samples[index] as LabelledSample;
      try {
        results[index] = await loadOne(sample);
      } catch (error) {
        results[index] = { id: sample.id, reason: error instanceof Error ? error.message : String(error) };
      }
      options.onProgress?.(++done, samples.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, samples.length) }, worker));
  const images: LoadedSample[] = [];
  const skipped: SkippedSample[] = [];
  for (const r of results) {
    if ('frame' in r) images.push(r);
    else skipped.push(r);
  }
  return { images, skipped, unknownClassBoxes };
}
