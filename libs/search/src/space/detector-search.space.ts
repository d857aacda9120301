import { ACTIVATIONS, BLOCK_TYPES, SPEC_VERSION, type ArchitectureSpec } from '@argus/vision';
import { SearchSpace, type DecisionOption, type SearchDecision } from './search-space';

/**
 * The default detector space, anchored on the shipped DeepPCB model (models/deeppcb: 320×320 grey,
 * template stack-difference, four stride-2 stages 16/32/64/128 wide and 0/1/1/2 deep, csp blocks,
 * an fpn-lite neck 32 wide, a centre-ness head at stride 4, depth 1, width 32, every kernel 3, relu),
 * which is a point of it. The limits keep every candidate trainable in a proxy budget and servable
 * on two CPU cores: at most 320×320 input, four stages of at most 160 channels and two blocks, one
 * or two head strides among the stage outputs 4 and 8. Four stride-2 stages make every input side
 * a multiple of the total stride 16 and every width is even (csp), so every combination passes
 * `checkSpec` on a valid base; the check still runs for each.
 *
 * Fixed (taken from the base spec): frame channels, classes and the head's style. Fixed by the
 * space: four stages of stride 2, neck and head kernels 3, one activation for the whole network.
 */
export const DETECTOR_STAGE_WIDTHS: readonly (readonly number[])[] = [
  [8, 12, 16, 24],
  [16, 24, 32, 48],
  [32, 48, 64, 96],
  [64, 96, 128, 160],
];
export const DETECTOR_STAGE_DEPTHS: readonly (readonly number[])[] = [
  [0, 1],
  [0, 1, 2],
  [0, 1, 2],
  [0, 1, 2],
];

const stageDecisions = DETECTOR_STAGE_WIDTHS.flatMap((widths, i): SearchDecision[] => [
  { name: `stage${i}.width`, options: widths },
  { name: `stage${i}.depth`, options: DETECTOR_STAGE_DEPTHS[i] ?? [0] },
  { name: `stage${i}.kernelSize`, options: [3, 5] },
  { name: `stage${i}.block`, options: BLOCK_TYPES },
]);

export const DETECTOR_DECISIONS: readonly SearchDecision[] = [
  { name: 'input.side', options: [256, 320] },
  { name: 'template', options: ['stack-difference', 'difference', 'stack'] },
  ...stageDecisions,
  { name: 'activation', options: ACTIVATIONS },
  { name: 'neck.type', options: ['none', 'fpn-lite'] },
  { name: 'neck.width', options: [16, 24, 32, 48] },
  { name: 'head.strides', options: [[4], [8], [4, 8]] },
  { name: 'head.depth', options: [0, 1, 2] },
  { name: 'head.width', options: [16, 24, 32, 48] },
];

const STAGES = DETECTOR_STAGE_WIDTHS.length;

function build(values: readonly DecisionOption[], base: ArchitectureSpec): unknown {
  const named = new Map(DETECTOR_DECISIONS.map((decision, i) => [decision.name, values[i]]));
  const value = <T>(name: string): T => named.get(name) as T;
  const activation = value<ArchitectureSpec['head']['activation']>('activation');
  const side = value<number>('input.side');
  return {
    specVersion: SPEC_VERSION,
    name: base.name,
    input: { height: side, width: side, channels: base.input.channels },
    template: value('template'),
    backbone: {
      stages: Array.from({ length: STAGES }, (_, i) => ({
        depth: value(`stage${i}.depth`),
        width: value(`stage${i}.width`),
        kernelSize: value(`stage${i}.kernelSize`),
        stride: 2,
        activation,
        block: value(`stage${i}.block`),
      })),
    },
    neck: { type: value('neck.type'), width: value('neck.width'), kernelSize: 3, activation },
    head: {
      style: base.head.style,
      strides: [...value<number[]>('head.strides')],
      depth: value('head.depth'),
      width: value('head.width'),
      kernelSize: 3,
      activation,
    },
    classes: [...base.classes],
  };
}

function read(spec: ArchitectureSpec): (DecisionOption | undefined)[] {
  const stages = spec.backbone.stages;
  const square = spec.input.height === spec.input.width ? spec.input.height : Math.max(spec.input.height, spec.input.width);
  return [
    square,
    spec.template,
    ...DETECTOR_STAGE_WIDTHS.flatMap((_, i) => {
      const stage = stages[i];
      return [stage?.width, stage?.depth, stage?.kernelSize, stage?.block];
    }),
    // The space has one activation: the spec's head activation stands for the network's.
    spec.head.activation,
    spec.neck.type,
    spec.neck.width,
    [...spec.head.strides].sort((a, b) => a - b),
    spec.head.depth,
    spec.head.width,
  ];
}

/**
 * What the detector graph builds: a stage without blocks ignores its block type, a network without a
 * neck ignores the neck's width, a head without convolutions ignores its width.
 */
function networkKey(spec: ArchitectureSpec): string {
  return JSON.stringify({
    ...spec,
    name: '',
    backbone: { stages: spec.backbone.stages.map((stage) => (stage.depth === 0 ? { ...stage, block: 'plain' } : stage)) },
    neck: spec.neck.type === 'none' ? { ...spec.neck, width: 0, kernelSize: 0 } : spec.neck,
    head: spec.head.depth === 0 ? { ...spec.head, width: 0, kernelSize: 0 } : spec.head,
  });
}

/** The default detector search space (see `DETECTOR_DECISIONS` for its decisions and limits). */
export function detectorSearchSpace(): SearchSpace {
  return new SearchSpace({ decisions: DETECTOR_DECISIONS, read, build, networkKey });
}
