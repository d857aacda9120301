import { modelInputChannels, type TemplateMode } from '../data/preprocess';
import type { TrainingImage } from './sample.augmenter';

/**
 * Packs images into an NHWC float batch in [0, 1] with exactly the channel layout of
 * data/preprocess (frame planes, then template planes, then |frame − template| planes, per the
 * template mode), so a model trains on what it will be served.
 */
export function buildTrainingBatch(
  images: readonly TrainingImage[],
  templateMode: TemplateMode,
  layout: 'nhwc' | 'nchw' = 'nhwc',
): { data: Float32Array; shape: [number, number, number, number] } {
  const first = images[0];
  if (first === undefined) throw new RangeError('a batch needs at least one image');
  const { width, height, channels } = first;
  const out = modelInputChannels(channels, templateMode);
  const hw = width * height;
  const data = new Float32Array(images.length * hw * out);
  images.forEach((image, n) => {
    if (image.width !== width || image.height !== height || image.channels !== channels) {
      throw new RangeError(
        `image ${image.id} is ${image.width}x${image.height}x${image.channels}, the batch is ${width}x${height}x${channels}`,
      );
    }
    const template = image.template;
    if (templateMode !== 'none' && template === undefined)
      throw new RangeError(`image ${image.id} has no template (template mode ${templateMode})`);
    const frame = image.frame;
    const base = n * hw * out;
    const withFrame = templateMode !== 'difference';
    const withTemplate = templateMode === 'stack' || templateMode === 'stack-difference';
    const withDifference = templateMode === 'difference' || templateMode === 'stack-difference';
    // NHWC: plane p of pixel i at i·out + p; NCHW: at p·hw + i.
    const pixelStep = layout === 'nhwc' ? out : 1;
    const planeStep = layout === 'nhwc' ? 1 : hw;
    for (let i = 0; i < hw; i++) {
      let p = 0;
      const o = base + i * pixelStep;
      const s = i * channels;
      if (withFrame) for (let c = 0; c < channels; c++) data[o + planeStep * p++] = (frame[s + c] as number) / 255;
      if (withTemplate && template) for (let c = 0; c < channels; c++) data[o + planeStep * p++] = (template[s + c] as number) / 255;
      if (withDifference && template) {
        for (let c = 0; c < channels; c++)
          data[o + planeStep * p++] = Math.abs((frame[s + c] as number) - (template[s + c] as number)) / 255;
      }
    }
  });
  return { data, shape: layout === 'nhwc' ? [images.length, height, width, out] : [images.length, out, height, width] };
}
