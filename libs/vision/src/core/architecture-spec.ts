import { z } from 'zod';
import type { TemplateMode } from '../data/preprocess';

/**
 * A detector architecture as data: a JSON document from which a model is built, trained, exported
 * and served. Architecture search generates these, so validation names the offending field
 * (`backbone.stages[2].stride must be 1 or 2`).
 *
 * The network: input (frame channels, plus template-derived channels) → backbone stages (each a
 * strided "down" convolution followed by `depth` blocks) → optional FPN-lite neck (lateral 1×1
 * convolutions, nearest-neighbour upsampling, concatenation, a fusing convolution) → an
 * anchor-free head per output stride: `head.depth` convolutions, then a 1×1 prediction of
 * `5 + classes` channels per cell: [objectness | centre-ness logit, class logits…, l, t, r, b].
 * Every convolution except the prediction is conv → batch-norm → activation.
 */

export const SPEC_VERSION = 1;
export const ACTIVATIONS = ['relu', 'relu6', 'silu', 'leaky'] as const;
export const BLOCK_TYPES = ['plain', 'residual', 'csp'] as const;
/** How the golden template enters the model; same spelling and channel layout as data/preprocess. */
export const TEMPLATE_MODES = ['none', 'stack', 'difference', 'stack-difference'] as const;
export const NECK_TYPES = ['none', 'fpn-lite'] as const;
export const HEAD_STYLES = ['centerness', 'objectness'] as const;
/** Slope of `leaky` for negative inputs. */
export const LEAKY_RELU_ALPHA = 0.1;

export type Activation = (typeof ACTIVATIONS)[number];
export type BlockType = (typeof BLOCK_TYPES)[number];
export type SpecTemplateMode = (typeof TEMPLATE_MODES)[number];
// One spelling everywhere: the spec's template modes are exactly the preprocessor's.
const sameTemplateModes: [SpecTemplateMode, TemplateMode] extends [TemplateMode, SpecTemplateMode] ? true : never = true;
void sameTemplateModes;

const oneOf = (values: readonly (string | number)[]): string =>
  values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;

function integer(min: number, max: number) {
  return z
    .number({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a number') })
    .int({ error: 'must be an integer' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}

function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be ${oneOf(values)}`),
  });
}

function literalChoice<const T extends readonly [number, ...number[]]>(values: T) {
  return z.literal(values, {
    error: (issue) => (issue.input === undefined ? 'is required' : `must be ${oneOf(values)}`),
  });
}

/** An object schema that refuses unknown fields, naming them (a typo must not be silently ignored). */
function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `has unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      }
      if (issue.code === 'invalid_type') {
        return issue.input === undefined ? 'is required' : 'must be an object';
      }
      return undefined;
    },
  });
}

const ActivationSchema = choice(ACTIVATIONS);
const KernelSizeSchema = literalChoice([1, 3, 5, 7]);

const StageSchema = strictObject({
  /** Blocks after the stage's strided down-convolution (for `csp`: bottlenecks inside one CSP block). */
  depth: integer(0, 8),
  /** Output channels. */
  width: integer(4, 1024),
  kernelSize: KernelSizeSchema,
  stride: literalChoice([1, 2]),
  activation: ActivationSchema,
  block: choice(BLOCK_TYPES),
});

const NeckSchema = strictObject({
  type: choice(NECK_TYPES),
  /** Channels of every neck level (ignored by `none`). */
  width: integer(4, 1024),
  kernelSize: KernelSizeSchema,
  activation: ActivationSchema,
});

const HeadSchema = strictObject({
  /** Training semantics of channel 0: an objectness or an FCOS-style centre-ness target. */
  style: choice(HEAD_STYLES),
  /** One or two output strides, each the output stride of a backbone stage. */
  strides: z
    .array(integer(1, 128), { error: 'must be a list of strides' })
    .min(1, { error: 'needs at least one stride' })
    .max(2, { error: 'takes at most two strides' }),
  /** Convolutions before the prediction, per level. */
  depth: integer(0, 4),
  width: integer(4, 1024),
  kernelSize: KernelSizeSchema,
  activation: ActivationSchema,
});

const ArchitectureSpecObjectSchema = strictObject({
  specVersion: z.literal(SPEC_VERSION, { error: `must be ${SPEC_VERSION}` }),
  name: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(128),
  input: strictObject({
    height: integer(16, 4096),
    width: integer(16, 4096),
    /** Channels of the frame (and of the template): 1 grey, 3 RGB. */
    channels: literalChoice([1, 3]),
  }),
  template: choice(TEMPLATE_MODES),
  backbone: strictObject({
    stages: z
      .array(StageSchema, { error: 'must be a list of stages' })
      .min(1, { error: 'needs at least one stage' })
      .max(8, { error: 'takes at most 8 stages' }),
  }),
  neck: NeckSchema,
  head: HeadSchema,
  classes: z
    .array(z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(64), {
      error: 'must be a list of class names',
    })
    .min(1, { error: 'needs at least one class' })
    .max(256, { error: 'takes at most 256 classes' }),
});

/** Output stride after each backbone stage. */
export function stageStrides(stages: ReadonlyArray<{ stride: number }>): number[] {
  let stride = 1;
  return stages.map((stage) => (stride *= stage.stride));
}

export const ArchitectureSpecSchema = ArchitectureSpecObjectSchema.superRefine((spec, ctx) => {
  const strides = stageStrides(spec.backbone.stages);
  const total = strides[strides.length - 1] ?? 1;
  for (const side of ['height', 'width'] as const) {
    if (spec.input[side] % total !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['input', side],
        message: `must be divisible by the backbone's total stride ${total}`,
      });
    }
  }
  spec.head.strides.forEach((stride, i) => {
    if (!strides.includes(stride)) {
      ctx.addIssue({
        code: 'custom',
        path: ['head', 'strides', i],
        message: `${stride} is not the output stride of a backbone stage (stages give ${[...new Set(strides)].join(', ')})`,
      });
    }
    if (spec.head.strides.indexOf(stride) !== i) {
      ctx.addIssue({ code: 'custom', path: ['head', 'strides', i], message: `repeats stride ${stride}` });
    }
  });
  spec.backbone.stages.forEach((stage, i) => {
    if (stage.block === 'csp' && stage.depth > 0 && stage.width % 2 !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['backbone', 'stages', i, 'width'],
        message: 'must be even for csp blocks (the block splits its channels in halves)',
      });
    }
  });
  spec.classes.forEach((name, i) => {
    if (spec.classes.indexOf(name) !== i) {
      ctx.addIssue({ code: 'custom', path: ['classes', i], message: `repeats class name '${name}'` });
    }
  });
});

export type ArchitectureSpec = z.infer<typeof ArchitectureSpecObjectSchema>;
export type StageSpec = ArchitectureSpec['backbone']['stages'][number];

export class ArchitectureSpecError extends Error {
  readonly code = 'INVALID_ARCHITECTURE_SPEC';
  constructor(readonly issues: readonly string[]) {
    super(`invalid architecture spec: ${issues.join('; ')}`);
  }
}

/** `backbone.stages[2].stride` from zod's path segments. */
export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`)).join('');
}

export type SpecCheck = { success: true; spec: ArchitectureSpec } | { success: false; issues: string[] };

/** Validates without throwing: what architecture search uses to reject candidates. */
export function checkSpec(json: unknown): SpecCheck {
  const result = ArchitectureSpecSchema.safeParse(json);
  if (result.success) {
    return { success: true, spec: result.data };
  }
  return {
    success: false,
    issues: result.error.issues.map((issue) => {
      const field = formatFieldPath(issue.path);
      return field === '' ? `spec ${issue.message}` : `${field} ${issue.message}`;
    }),
  };
}

/** Validates a spec (parsed JSON); throws ArchitectureSpecError naming every offending field. */
export function validateSpec(json: unknown): ArchitectureSpec {
  const result = checkSpec(json);
  if (!result.success) {
    throw new ArchitectureSpecError(result.issues);
  }
  return result.spec;
}

/** Channels the model's input tensor has: the frame's plus what the template mode adds. */
export function inputChannels(spec: Pick<ArchitectureSpec, 'input' | 'template'>): number {
  const c = spec.input.channels;
  switch (spec.template) {
    case 'none':
    case 'difference':
      return c;
    case 'stack':
      return 2 * c;
    case 'stack-difference':
      return 3 * c;
  }
}

/** Channels per cell of the head's prediction: objectness/centre-ness, one per class, l t r b. */
export function headChannels(spec: Pick<ArchitectureSpec, 'classes'>): number {
  return 1 + spec.classes.length + 4;
}
