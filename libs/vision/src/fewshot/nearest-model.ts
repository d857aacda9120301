import type { ModelPackage } from '../artifact/model-package.store';
import { decodeImage, readImageHeader } from '../data/image-codec';
import { readImageRef, type ObjectBytesReader } from '../data/image-ref.reader';
import type { LabelledSample } from '../data/sample';
import type { SpecTemplateMode } from '../core/architecture-spec';
import { describeInput, type FrameInput } from './few-shot.transplant';

export class NearestModelError extends Error {
  readonly code = 'NEAREST_MODEL';
}

export interface NearestModelChoice {
  readonly package: ModelPackage;
  /** Why this one, in a sentence (for the log and the lineage). */
  readonly reason: string;
}

/** How well a model's input fits a line's frames: higher is nearer. */
function inputMatch(pkg: ModelPackage, input: FrameInput): [number, number, number] {
  const spec = pkg.metadata.spec;
  return [
    // Whether a golden template enters at all decides what the backbone learnt to look at
    // (differences against a reference vs the frame alone): the first criterion.
    (spec.template === 'none') === (input.template === 'none') ? 1 : 0,
    spec.input.channels === input.channels ? 1 : 0,
    spec.template === input.template ? 1 : 0,
  ];
}

/**
 * The "nearest production model" a frozen-backbone fine-tune starts from: among the candidates
 * (a site's production models), the one whose input matches the new line's frames best, compared
 * in this order — template use (both with a template, or both without), then channels (grey or
 * RGB), then the exact template mode; ties go to the newest package (`createdAt`), then the name.
 * Classes play no part: the new line's classes are re-targeted whichever model is chosen.
 */
export function chooseNearestModel(candidates: readonly ModelPackage[], input: FrameInput): NearestModelChoice {
  if (candidates.length === 0)
    throw new NearestModelError('no candidate model to fine-tune from: give at least one production model package');
  const ranked = [...candidates].sort((a, b) => {
    const ma = inputMatch(a, input);
    const mb = inputMatch(b, input);
    for (let i = 0; i < ma.length; i++) if (ma[i] !== mb[i]) return (mb[i] as number) - (ma[i] as number);
    if (a.metadata.createdAt !== b.metadata.createdAt) return a.metadata.createdAt < b.metadata.createdAt ? 1 : -1;
    return a.metadata.name.localeCompare(b.metadata.name);
  });
  const best = ranked[0] as ModelPackage;
  const [template, channels, mode] = inputMatch(best, input);
  const same = [template ? 'template use' : '', channels ? 'channels' : '', mode ? 'template mode' : ''].filter(Boolean);
  return {
    package: best,
    reason:
      `${best.metadata.name}@${best.metadata.version} (${describeInput({ channels: best.metadata.spec.input.channels, template: best.metadata.spec.template })}) ` +
      `for frames ${describeInput(input)}: ${same.length > 0 ? `same ${same.join(', ')}` : 'no input property in common'}, of ${candidates.length} candidate(s)`,
  };
}

/** Colour frames whose channels differ by at most this many grey levels are grey (JPEG noise). */
const GREY_TOLERANCE = 3;

/**
 * What a line's frames are, from the frames themselves: grey when every one of the first `probe`
 * frames is (one channel, or three equal ones), else RGB; with a template (`stack-difference`, the
 * DeepPCB input, or `templateMode` when given: the start model's own mode) when every frame has
 * one, else none. Used when the caller does not say.
 */
export async function describeFrames(
  samples: readonly LabelledSample[],
  options: { readonly objects?: ObjectBytesReader; readonly templateMode?: SpecTemplateMode; readonly probe?: number } = {},
): Promise<FrameInput> {
  const { objects, probe = 4 } = options;
  const withTemplate = options.templateMode && options.templateMode !== 'none' ? options.templateMode : 'stack-difference';
  if (samples.length === 0) throw new NearestModelError('no frame to describe');
  let grey = true;
  for (const sample of samples.slice(0, probe)) {
    const bytes = await readImageRef(sample.image, objects);
    const header = await readImageHeader(bytes, { label: sample.id });
    if (header.channels - (header.hasAlpha ? 1 : 0) <= 1) continue;
    const rgb = await decodeImage(bytes, { channels: 3, label: sample.id });
    for (let i = 0; i < rgb.data.length && grey; i += 3) {
      const r = rgb.data[i] as number;
      if (Math.abs(r - (rgb.data[i + 1] as number)) > GREY_TOLERANCE || Math.abs(r - (rgb.data[i + 2] as number)) > GREY_TOLERANCE)
        grey = false;
    }
    if (!grey) break;
  }
  return { channels: grey ? 1 : 3, template: samples.every((s) => s.template !== undefined) ? withTemplate : 'none' };
}
