import { ArchitectureSpecSchema, type ArchitectureSpec, type SpecTemplateMode } from '../core/architecture-spec';
import type { DetectorWeights, WeightArray } from '../core/detector-weights';
import { growHead } from '../continual/head-growth';
import { initialWeights } from '../train/detector.trainer';

/** Refused re-targeting or transplant: the message says what does not fit. */
export class FewShotTransplantError extends Error {
  readonly code = 'FEW_SHOT_TRANSPLANT';
}

/** What a line's frames look like to a model: grey or RGB, and how (if at all) a golden template enters. */
export interface FrameInput {
  readonly channels: 1 | 3;
  readonly template: SpecTemplateMode;
}

/** The weight of the first convolution: the only one whose shape depends on the input's channels. */
export const STEM_KERNEL = 'backbone.stages.0.down.kernel';

/** The channel groups of a model input, in order (data/preprocess's layout): each group has C channels. */
export function inputGroups(template: SpecTemplateMode): readonly ('frame' | 'template' | 'difference')[] {
  switch (template) {
    case 'none':
      return ['frame'];
    case 'stack':
      return ['frame', 'template'];
    case 'difference':
      return ['difference'];
    case 'stack-difference':
      return ['frame', 'template', 'difference'];
  }
}

export interface TransplantResult {
  readonly spec: ArchitectureSpec;
  readonly weights: DetectorWeights;
  /** Whether the stem kernel had to be converted (it then stays trainable in a frozen-backbone fine-tune). */
  readonly stemConverted: boolean;
  /** What was carried over and what was not, one sentence each (empty when the input is the same). */
  readonly notes: readonly string[];
}

/**
 * Moves a model to another frame input (grey ↔ RGB, another template mode, another input size).
 * Every weight but the stem kernel is independent of the input and is copied as it is (a
 * convolution does not care about the image size). The stem kernel `[k, k, groups·C, out]` is
 * rebuilt group by group: a group the new input shares with the old one (frame, template,
 * difference) keeps its kernel slices, converted between grey and RGB — grey → RGB gives each
 * colour a third of the grey slice (same response to a grey image), RGB → grey sums the three
 * colour slices (the grey image's response equals the RGB one's on a grey scene); a group the old
 * input lacked starts at zero (the transplanted model first answers as the old one did, and the new
 * group is learnt from there); a group the new input lacks is dropped.
 */
export function transplantInput(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  target: FrameInput & { readonly width?: number; readonly height?: number },
): TransplantResult {
  const width = target.width ?? spec.input.width;
  const height = target.height ?? spec.input.height;
  const sameInput =
    spec.input.channels === target.channels &&
    spec.template === target.template &&
    spec.input.width === width &&
    spec.input.height === height;
  if (sameInput) return { spec, weights, stemConverted: false, notes: [] };
  const parsed = ArchitectureSpecSchema.safeParse({
    ...spec,
    input: { width, height, channels: target.channels },
    template: target.template,
  });
  if (!parsed.success) {
    throw new FewShotTransplantError(
      `the model cannot take ${width}x${height} input: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  const notes: string[] = [];
  if (spec.input.width !== width || spec.input.height !== height) {
    notes.push(
      `input size ${spec.input.width}x${spec.input.height} → ${width}x${height}: every weight carried over (convolutions do not depend on it)`,
    );
  }
  const stemConverted = spec.input.channels !== target.channels || spec.template !== target.template;
  if (!stemConverted) return { spec: parsed.data, weights, stemConverted, notes };

  const stem = weights[STEM_KERNEL];
  if (!stem || stem.shape.length !== 4) throw new FewShotTransplantError(`the weights have no 4-d ${STEM_KERNEL}`);
  const [kh, kw, inOld, out] = stem.shape as [number, number, number, number];
  const oldC = spec.input.channels;
  const newC = target.channels;
  const oldGroups = inputGroups(spec.template);
  const newGroups = inputGroups(target.template);
  if (inOld !== oldGroups.length * oldC)
    throw new FewShotTransplantError(`${STEM_KERNEL} has ${inOld} input channels, its spec ${oldGroups.length * oldC}`);
  const inNew = newGroups.length * newC;
  const values = new Float32Array(kh * kw * inNew * out);
  const at = (i: number, c: number, o: number, inCount: number) => (i * inCount + c) * out + o;
  for (let i = 0; i < kh * kw; i++) {
    newGroups.forEach((group, g) => {
      const og = oldGroups.indexOf(group);
      if (og < 0) return; // a group the old input lacked: zero
      for (let o = 0; o < out; o++) {
        for (let c = 0; c < newC; c++) {
          let v: number;
          if (oldC === newC) v = stem.values[at(i, og * oldC + c, o, inOld)] as number;
          else if (oldC === 1) v = (stem.values[at(i, og, o, inOld)] as number) / 3;
          else v = [0, 1, 2].reduce((s, k) => s + (stem.values[at(i, og * oldC + k, o, inOld)] as number), 0);
          values[at(i, g * newC + c, o, inNew)] = v;
        }
      }
    });
  }
  const kept = newGroups.filter((g) => oldGroups.includes(g));
  const added = newGroups.filter((g) => !oldGroups.includes(g));
  const dropped = oldGroups.filter((g) => !newGroups.includes(g));
  const colour =
    oldC === newC ? '' : oldC === 1 ? ' (grey → RGB: each colour a third of the grey kernel)' : ' (RGB → grey: the colour kernels summed)';
  notes.push(
    `input ${describeInput({ channels: oldC, template: spec.template })} → ${describeInput(target)}: stem kernel ${STEM_KERNEL} rebuilt — ` +
      `${kept.length > 0 ? `${kept.join(', ')} carried over${colour}` : 'nothing carried over'}` +
      `${added.length > 0 ? `; ${added.join(', ')} new, zero-initialised` : ''}${dropped.length > 0 ? `; ${dropped.join(', ')} dropped` : ''}; ` +
      'every other weight carried over',
  );
  return { spec: parsed.data, weights: { ...weights, [STEM_KERNEL]: { shape: [kh, kw, inNew, out], values } }, stemConverted, notes };
}

export function describeInput(input: FrameInput): string {
  return `${input.channels === 1 ? 'grey' : 'RGB'}, template ${input.template}`;
}

/**
 * Re-targets a model's class outputs to another class list. `sources[i]` names the model class
 * whose channel class `i` takes (copied: kernel column and bias), or null for a fresh channel,
 * initialised as head growth initialises an added class (small seeded noise, bias at the
 * prediction prior: it scores low until trained). Objectness (channel 0) and the four box
 * channels are kept as they are: they are class-agnostic. Every other weight is untouched.
 */
export function retargetClasses(
  spec: ArchitectureSpec,
  weights: DetectorWeights,
  classes: readonly string[],
  sources: readonly (string | null)[],
  seed: number,
): { spec: ArchitectureSpec; weights: DetectorWeights } {
  if (sources.length !== classes.length) throw new FewShotTransplantError(`${classes.length} classes but ${sources.length} sources`);
  const unknown = sources.filter((s): s is string => s !== null && !spec.classes.includes(s));
  if (unknown.length > 0)
    throw new FewShotTransplantError(`source class(es) ${unknown.join(', ')} are not the model's (${spec.classes.join(', ')})`);
  const parsed = ArchitectureSpecSchema.safeParse({ ...spec, classes: [...classes] });
  if (!parsed.success)
    throw new FewShotTransplantError(`classes ${classes.join(', ')}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  // Fresh channels come from head growth under names no model class can have.
  const freshName = (i: number) => `\u0000fresh-${i}`;
  const fresh = classes.map((_, i) => i).filter((i) => sources[i] === null);
  const grown = growHead(spec, weights, fresh.map(freshName), seed);
  const channelOf = (name: string) => 1 + grown.classes.indexOf(name);
  const boxStart = 1 + grown.classes.length;
  const picked = [0, ...classes.map((_, i) => channelOf(sources[i] ?? freshName(i))), boxStart, boxStart + 1, boxStart + 2, boxStart + 3];
  const out: DetectorWeights = { ...grown.weights };
  for (const stride of spec.head.strides) {
    for (const part of ['kernel', 'bias'] as const) {
      const name = `head.s${stride}.predict.${part}`;
      const w = grown.weights[name];
      if (!w) throw new FewShotTransplantError(`the weights have no ${name}`);
      out[name] = pickColumns(w, picked);
    }
  }
  return { spec: parsed.data, weights: out };
}

/** A copy of `w` (last axis = channels) with only the channels `picked`, in that order. */
function pickColumns(w: WeightArray, picked: readonly number[]): WeightArray {
  const channels = w.shape[w.shape.length - 1] as number;
  const rows = w.values.length / channels;
  const values = new Float32Array(rows * picked.length);
  for (let r = 0; r < rows; r++) picked.forEach((c, j) => (values[r * picked.length + j] = w.values[r * channels + c] as number));
  return { shape: [...w.shape.slice(0, -1), picked.length], values };
}

/** Fresh weights of `spec`'s architecture for another input and classes: the scratch start. */
export function scratchStart(
  spec: ArchitectureSpec,
  input: FrameInput,
  classes: readonly string[],
  seed: number,
): { spec: ArchitectureSpec; weights: DetectorWeights } {
  const parsed = ArchitectureSpecSchema.safeParse({
    ...spec,
    input: { ...spec.input, channels: input.channels },
    template: input.template,
    classes: [...classes],
  });
  if (!parsed.success) throw new FewShotTransplantError(`scratch spec: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return { spec: parsed.data, weights: initialWeights(parsed.data, seed) };
}
