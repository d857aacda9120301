import { modelInputChannels } from '../data/preprocess';
import { ArchitectureSpec, ArchitectureSpecError, checkSpec, inputChannels, TEMPLATE_MODES, validateSpec } from './architecture-spec';
import { defaultSpec, FEEDS } from './default-specs';
import { countMacs, countParams } from './detector-graph';

/** 8×8 grey input, one stride-2 conv (1→4, 3×3), prediction 4→6 at stride 2. */
function tinySpec(): ArchitectureSpec {
  return {
    specVersion: 1,
    name: 'tiny',
    input: { height: 8, width: 8, channels: 1 },
    template: 'none',
    backbone: { stages: [{ depth: 0, width: 4, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' }] },
    neck: { type: 'none', width: 8, kernelSize: 3, activation: 'relu' },
    head: { style: 'objectness', strides: [2], depth: 0, width: 8, kernelSize: 3, activation: 'relu' },
    classes: ['a'],
  };
}

function issuesOf(json: unknown): string[] {
  const result = checkSpec(json);
  return result.success ? [] : result.issues;
}

// Specs are edited as loose JSON here, the way a hand-written or generated file can be wrong.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseJson = any;

function mutate(edit: (spec: LooseJson) => void): unknown {
  const spec: LooseJson = structuredClone(defaultSpec('pcb'));
  edit(spec);
  return spec;
}

describe('ArchitectureSpec', () => {
  it.each(FEEDS)('the %s default spec is valid and within the CPU budget', (feed) => {
    const spec = defaultSpec(feed);
    expect(validateSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(countMacs(spec)).toBeGreaterThan(0.1e9);
    expect(countMacs(spec)).toBeLessThan(1e9);
  });

  it('gives the PCB spec ~0.5–1 GMAC with the template stacked and differenced', () => {
    const spec = defaultSpec('pcb');
    expect(spec.template).toBe('stack-difference');
    expect(inputChannels(spec)).toBe(3);
    expect(countMacs(spec) / 1e9).toBeCloseTo(0.392, 2);
    expect(spec.classes).toEqual(['open', 'short', 'mousebite', 'spur', 'copper', 'pin-hole']);
  });

  it('counts parameters and multiply-accumulates exactly', () => {
    // down: 3·3·1·4 kernel + 4 gamma + 4 beta; predict: 1·1·4·6 kernel + 6 bias.
    expect(countParams(tinySpec())).toBe(36 + 8 + 24 + 6);
    // down: 4·4 outputs × 4 channels × 9 taps × 1 input channel; predict: 4·4 × 6 × 4.
    expect(countMacs(tinySpec())).toBe(16 * 4 * 9 + 16 * 6 * 4);
  });

  it('counts the neck and two head levels', () => {
    const spec: ArchitectureSpec = {
      ...tinySpec(),
      input: { height: 16, width: 16, channels: 3 },
      template: 'stack',
      backbone: {
        stages: [
          { depth: 0, width: 4, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
          { depth: 0, width: 8, kernelSize: 3, stride: 2, activation: 'relu', block: 'plain' },
        ],
      },
      neck: { type: 'fpn-lite', width: 4, kernelSize: 3, activation: 'relu' },
      head: { style: 'centerness', strides: [2, 4], depth: 0, width: 8, kernelSize: 3, activation: 'relu' },
    };
    const bn = (c: number): number => 2 * c;
    const params =
      9 * 6 * 4 +
      bn(4) + // stage 0: 6 input channels (frame + template)
      9 * 4 * 8 +
      bn(8) + // stage 1
      8 * 4 +
      bn(4) + // neck.lateral.s4
      4 * 4 +
      bn(4) + // neck.lateral.s2
      9 * 8 * 4 +
      bn(4) + // neck.fuse.s2 (upsampled 4 + lateral 4)
      2 * (4 * 6 + 6); // two predictions, 4 → 6 with bias
    expect(countParams(spec)).toBe(params);
    const macs = 64 * 4 * 9 * 6 + 16 * 8 * 9 * 4 + 16 * 4 * 8 + 64 * 4 * 4 + 64 * 4 * 9 * 8 + 64 * 6 * 4 + 16 * 6 * 4;
    expect(countMacs(spec)).toBe(macs);
  });

  it('derives the input channels exactly as the preprocessor does', () => {
    for (const template of TEMPLATE_MODES) {
      for (const channels of [1, 3] as const) {
        expect(inputChannels({ input: { height: 8, width: 8, channels }, template })).toBe(modelInputChannels(channels, template));
      }
    }
  });

  it.each<[string, (spec: LooseJson) => void, string]>([
    ['a bad stride', (s) => (s.backbone.stages[2].stride = 3), 'backbone.stages[2].stride must be 1 or 2'],
    ['a fractional width', (s) => (s.backbone.stages[1].width = 12.5), 'backbone.stages[1].width must be an integer'],
    ['a missing depth', (s) => delete s.backbone.stages[0].depth, 'backbone.stages[0].depth is required'],
    [
      'an unknown activation',
      (s) => (s.backbone.stages[0].activation = 'gelu'),
      'backbone.stages[0].activation must be one of relu, relu6, silu, leaky',
    ],
    ['an unknown block', (s) => (s.backbone.stages[0].block = 'dense'), 'backbone.stages[0].block must be one of plain, residual, csp'],
    ['an even kernel', (s) => (s.head.kernelSize = 4), 'head.kernelSize must be one of 1, 3, 5, 7'],
    ['an unknown template mode', (s) => (s.template = 'xor'), 'template must be one of none, stack, difference, stack-difference'],
    ['a typo in a field name', (s) => (s.neck.widht = 3), 'neck has unknown field widht'],
    ['no stages', (s) => (s.backbone.stages = []), 'backbone.stages needs at least one stage'],
    ['three head strides', (s) => (s.head.strides = [4, 8, 16]), 'head.strides takes at most two strides'],
    [
      'a head stride no stage gives',
      (s) => (s.head.strides = [4, 32]),
      'head.strides[1] 32 is not the output stride of a backbone stage (stages give 2, 4, 8, 16)',
    ],
    ['a repeated head stride', (s) => (s.head.strides = [4, 4]), 'head.strides[1] repeats stride 4'],
    [
      'an input not divisible by the total stride',
      (s) => (s.input.height = 328),
      "input.height must be divisible by the backbone's total stride 16",
    ],
    [
      'an odd csp width',
      (s) => (s.backbone.stages[2].width = 63),
      'backbone.stages[2].width must be even for csp blocks (the block splits its channels in halves)',
    ],
    ['a repeated class', (s) => (s.classes = ['open', 'short', 'open']), "classes[2] repeats class name 'open'"],
    ['an empty class name', (s) => (s.classes = ['open', '']), 'classes[1] must not be empty'],
    ['a wrong spec version', (s) => (s.specVersion = 2), 'specVersion must be 1'],
  ])('names the field for %s', (_name, edit, issue) => {
    expect(issuesOf(mutate(edit))).toContain(issue);
  });

  it('reports every problem at once, and throws a coded error from validateSpec', () => {
    const json = mutate((s) => {
      s.backbone.stages[0].stride = 4;
      s.head.depth = -1;
    });
    expect(issuesOf(json)).toEqual(['backbone.stages[0].stride must be 1 or 2', 'head.depth must be at least 0']);
    expect(() => validateSpec(json)).toThrow(ArchitectureSpecError);
    expect(() => validateSpec(json)).toThrow(
      'invalid architecture spec: backbone.stages[0].stride must be 1 or 2; head.depth must be at least 0',
    );
    expect(issuesOf('not a spec')).toEqual(['spec must be an object']);
  });
});
