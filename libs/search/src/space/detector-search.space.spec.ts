import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SeededRandom, SPEC_VERSION, checkSpec, defaultSpec, type ArchitectureSpec } from '@argus/vision';
import { SearchError } from '../search.errors';
import { DETECTOR_DECISIONS, detectorSearchSpace } from './detector-search.space';
import { SearchSpace } from './search-space';

// The shipped DeepPCB model's spec, as its package records it.
const shipped = (
  JSON.parse(readFileSync(path.join(__dirname, '../../../../models/deeppcb/metadata.json'), 'utf8')) as { spec: ArchitectureSpec }
).spec;

describe('the detector search space', () => {
  const space = detectorSearchSpace();

  it('has the documented decisions and counts its architectures', () => {
    expect(space.decisions.map((d) => d.name)).toEqual([
      'input.side',
      'template',
      ...[0, 1, 2, 3].flatMap((i) => [`stage${i}.width`, `stage${i}.depth`, `stage${i}.kernelSize`, `stage${i}.block`]),
      'activation',
      'neck.type',
      'neck.width',
      'head.strides',
      'head.depth',
      'head.width',
    ]);
    // 2 sides × 3 templates × stage0 (4·2·2·3) × stages 1–3 (4·3·2·3)³ × 4 activations × 2 necks × 4 × 3 × 3 × 4.
    expect(space.size).toBe(2 * 3 * 48 * 72 ** 3 * 4 * 2 * 4 * 3 * 3 * 4);
  });

  it('holds the shipped DeepPCB model: encode(shipped) decodes back to it', () => {
    expect(shipped.name).toBe('pcb-template-s4');
    const encoded = space.encode(shipped);
    expect(encoded.exact).toBe(true);
    const decoded = space.decode(encoded.choices, shipped);
    if (!decoded.ok) throw new Error(decoded.issues.join('; '));
    expect(decoded.spec.name).toMatch(/^pcb-template-s4-[0-9a-f]{8}$/);
    expect({ ...decoded.spec, name: shipped.name }).toEqual(shipped);
    expect(defaultSpec('pcb')).toEqual(shipped);
  });

  it('encodes a spec outside the space to its nearest point, saying it is not exact', () => {
    const wide: ArchitectureSpec = { ...shipped, neck: { ...shipped.neck, width: 44 }, head: { ...shipped.head, strides: [4, 16] } };
    const encoded = space.encode(wide);
    expect(encoded.exact).toBe(false);
    const decoded = space.decode(encoded.choices, shipped);
    if (!decoded.ok) throw new Error(decoded.issues.join('; '));
    expect(decoded.spec.neck.width).toBe(48);
    expect(decoded.spec.head.strides).toEqual([4, 8]); // two levels, sharing stride 4
  });

  it('keeps the base spec’s channels, classes and head style', () => {
    const base: ArchitectureSpec = {
      ...shipped,
      name: 'rgb',
      input: { ...shipped.input, channels: 3 },
      classes: ['a', 'b'],
      head: { ...shipped.head, style: 'objectness' },
    };
    const choices = space.sample(new SeededRandom(3), base);
    const decoded = space.decode(choices, base);
    if (!decoded.ok) throw new Error(decoded.issues.join('; '));
    expect(decoded.spec.input.channels).toBe(3);
    expect(decoded.spec.classes).toEqual(['a', 'b']);
    expect(decoded.spec.head.style).toBe('objectness');
    expect(decoded.spec.name.startsWith('rgb-')).toBe(true);
  });

  it('samples valid specs, the same ones for the same seed', () => {
    const draw = (seed: number) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 50 }, () => space.sample(rng, shipped));
    };
    const samples = draw(7);
    expect(draw(7)).toEqual(samples);
    expect(draw(8)).not.toEqual(samples);
    for (const choices of samples) {
      const decoded = space.decode(choices, shipped);
      expect(decoded.ok && checkSpec(decoded.spec).success).toBe(true);
    }
    // Every option of every decision shows up in a few hundred samples.
    const rng = new SeededRandom(1);
    const seen = DETECTOR_DECISIONS.map(() => new Set<number>());
    for (let i = 0; i < 400; i++) space.sample(rng, shipped).forEach((choice, d) => seen[d]?.add(choice));
    seen.forEach((options, d) => expect(options.size).toBe(DETECTOR_DECISIONS[d]?.options.length));
  });

  it('mutates exactly one decision, to a different network', () => {
    const rng = new SeededRandom(11);
    let parent = space.encode(shipped).choices;
    for (let i = 0; i < 200; i++) {
      const child = space.mutate(parent, rng, shipped);
      expect(child.filter((choice, d) => choice !== parent[d])).toHaveLength(1);
      expect(space.networkKey(child, shipped)).not.toBe(space.networkKey(parent, shipped));
      parent = child;
    }
  });

  it('gives one network key to choices that differ only where an option has no effect', () => {
    const choices = [...space.encode(shipped).choices];
    const block0 = DETECTOR_DECISIONS.findIndex((d) => d.name === 'stage0.block');
    const otherBlock = [...choices];
    otherBlock[block0] = 2; // csp, in a stage without blocks: the same network
    expect(space.networkKey(otherBlock, shipped)).toBe(space.networkKey(choices, shipped));
    const neckWidth = DETECTOR_DECISIONS.findIndex((d) => d.name === 'neck.width');
    const otherNeck = [...choices];
    otherNeck[neckWidth] = 0;
    expect(space.networkKey(otherNeck, shipped)).not.toBe(space.networkKey(choices, shipped));
  });

  it('names what is wrong with choices that do not index the space', () => {
    expect(space.decode([1, 2], shipped)).toEqual({ ok: false, issues: ['choices has 2 entries, the space has 24 decisions'] });
    const choices = [...space.encode(shipped).choices];
    choices[0] = 2;
    choices[1] = 0.5;
    expect(space.decode(choices, shipped)).toEqual({
      ok: false,
      issues: ['input.side must be an option index from 0 to 1, got 2', 'template must be an option index from 0 to 2, got 0.5'],
    });
    expect(() => space.decodeOrThrow(choices, shipped)).toThrow(SearchError);
  });
});

describe('a search space with invalid combinations', () => {
  // Stride-2 stages on a 24-pixel input: two stages (stride 4) divide 24, three (stride 8) divide it, four (16) do not.
  const space = new SearchSpace({
    decisions: [
      { name: 'stages', options: [2, 3, 4] },
      { name: 'width', options: [8, 16] },
    ],
    read: (spec) => [spec.backbone.stages.length, spec.backbone.stages[0]?.width],
    build: ([stages, width], base) => ({
      ...base,
      input: { ...base.input, height: 24, width: 24 },
      backbone: {
        stages: Array.from({ length: stages as number }, () => ({
          depth: 0,
          width,
          kernelSize: 3,
          stride: 2,
          activation: 'relu',
          block: 'plain',
        })),
      },
      neck: { ...base.neck, type: 'none' },
      head: { ...base.head, strides: [4] },
    }),
  });
  const base: ArchitectureSpec = { ...shipped, specVersion: SPEC_VERSION };

  it('rejects them when decoding, naming the field', () => {
    const decoded = space.decode([2, 0], base);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.issues.join()).toContain('input.height must be divisible by the backbone');
  });

  it('never samples or mutates into them', () => {
    const rng = new SeededRandom(5);
    for (let i = 0; i < 100; i++) {
      const sampled = space.sample(rng, base);
      expect(sampled[0]).not.toBe(2);
      expect(space.mutate(sampled, rng, base)[0]).not.toBe(2);
    }
  });

  it('says so when nothing valid is left', () => {
    const none = new SearchSpace({ decisions: [{ name: 'x', options: [1] }], read: () => [1], build: () => ({}) });
    expect(() => none.sample(new SeededRandom(1), base)).toThrow(/no valid architecture/);
  });
});
