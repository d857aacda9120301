import type { LabelledSample } from '../data/sample';
import { parseSyntheticTaskSource, TaskSampler, TaskSamplingError, type TaskSource } from './task.sampler';

const SLOTS = ['slot-1', 'slot-2', 'slot-3'];

/** A fake DeepPCB-like data set: 3 groups × 8 frames, each frame with two boxes of two of four classes. */
function dataset(): TaskSource {
  const classes = ['open', 'short', 'spur', 'copper'];
  const samples: LabelledSample[] = [];
  for (const group of ['g1', 'g2', 'g3']) {
    for (let i = 0; i < 8; i++) {
      samples.push({
        id: `${group}-${i}`,
        image: { kind: 'file', path: `/nowhere/${group}-${i}.jpg` },
        boxes: [
          { className: classes[i % 4] as string, box: { x1: 1, y1: 1, x2: 5, y2: 5 } },
          { className: classes[(i + 1) % 4] as string, box: { x1: 6, y1: 6, x2: 9, y2: 9 } },
        ],
        source: 'deeppcb',
        group,
      });
    }
  }
  return { kind: 'dataset', id: 'deeppcb:/data/deeppcb', classes, samples };
}

describe('TaskSampler', () => {
  it('is seeded: the same seed and index give the same task, another index another', async () => {
    const options = { sources: [dataset()], excluded: ['deeppcb:/data/deeppcb#g3'], slots: SLOTS, shots: 2, queries: 2, seed: 9 };
    const a = await new TaskSampler(options).sample(4);
    const b = await new TaskSampler(options).sample(4);
    expect(b).toEqual(a);
    const others = await Promise.all([0, 1, 2, 3, 5, 6].map((i) => new TaskSampler(options).sample(i)));
    expect(others.some((t) => JSON.stringify(t.support) !== JSON.stringify(a.support))).toBe(true);
  });

  it('draws N-way class subsets mapped to the slots, K support and Q query frames, other classes’ boxes dropped', async () => {
    const sampler = new TaskSampler({ sources: [dataset()], excluded: ['synthetic:medical'], slots: SLOTS, shots: 3, queries: 2, seed: 1 });
    for (let i = 0; i < 20; i++) {
      const task = await sampler.sample(i);
      expect(task.classes.length).toBeGreaterThanOrEqual(1);
      expect(task.classes.length).toBeLessThanOrEqual(SLOTS.length);
      expect(new Set(task.slots).size).toBe(task.classes.length);
      expect(task.slots.every((s) => SLOTS.includes(s))).toBe(true);
      expect(task.support).toHaveLength(3);
      expect(task.query).toHaveLength(2);
      const ids = [...task.support, ...task.query].map((s) => s.id);
      expect(new Set(ids).size).toBe(5);
      for (const frame of [...task.support, ...task.query]) {
        expect(frame.boxes.length).toBeGreaterThan(0);
        expect(frame.boxes.every((b) => task.slots.includes(b.className))).toBe(true);
        expect(frame.group).toBe(task.source.split('#')[1]);
      }
    }
  });

  it('never samples an excluded group, and refuses an excluded source, a fully excluded data set or no exclusion at all', async () => {
    const sampler = new TaskSampler({
      sources: [dataset()],
      excluded: ['deeppcb:/data/deeppcb#g2'],
      slots: SLOTS,
      shots: 2,
      queries: 2,
      seed: 3,
    });
    expect(sampler.describeSources()).toEqual(['deeppcb:/data/deeppcb#g1,g3']);
    const groups = new Set<string>();
    for (let i = 0; i < 40; i++) for (const f of (await sampler.sample(i)).support) groups.add(f.group ?? '');
    expect([...groups].sort()).toEqual(['g1', 'g3']);

    const base = { slots: SLOTS, shots: 2, queries: 2, seed: 1 };
    expect(() => new TaskSampler({ ...base, sources: [dataset()], excluded: [] })).toThrow(
      /name what the initialisation will be evaluated on/,
    );
    expect(() => new TaskSampler({ ...base, sources: [dataset()], excluded: ['deeppcb:/data/deeppcb'] })).toThrow(TaskSamplingError);
    expect(
      () =>
        new TaskSampler({
          ...base,
          sources: [dataset()],
          excluded: ['deeppcb:/data/deeppcb#g1', 'deeppcb:/data/deeppcb#g2', 'deeppcb:/data/deeppcb#g3'],
        }),
    ).toThrow(/every group of deeppcb:\/data\/deeppcb is excluded/);
    const medical = parseSyntheticTaskSource('synthetic:medical') as TaskSource;
    expect(() => new TaskSampler({ ...base, sources: [medical], excluded: ['synthetic:medical'] })).toThrow(
      /synthetic:medical is excluded/,
    );
    expect(() => parseSyntheticTaskSource('synthetic:moon')).toThrow(/unknown synthetic feed/);
  });

  it('samples synthetic tasks with a randomised generator and texture, exactly again for the same index', async () => {
    const pcb = parseSyntheticTaskSource('synthetic:pcb') as TaskSource;
    const options = { sources: [pcb], excluded: ['synthetic:medical'], slots: SLOTS, shots: 2, queries: 1, seed: 2, size: 64 };
    const a = await new TaskSampler(options).sample(0);
    const b = await new TaskSampler(options).sample(0);
    const c = await new TaskSampler(options).sample(1);
    expect(a.source).toBe('synthetic:pcb');
    expect(a.variation).toMatch(/^seed \d+, noise [\d.]+, defects \d+\.\.\d+.*; texture gains [\d.]+\/[\d.]+\/[\d.]+ gamma [\d.]+/);
    expect(a.variation).not.toBe(c.variation);
    const bytes = (t: typeof a) => t.support.map((s) => (s.image.kind === 'encoded' ? Buffer.from(s.image.bytes).toString('base64') : ''));
    expect(bytes(b)).toEqual(bytes(a));
    expect(a.support.every((s) => s.template !== undefined && s.boxes.length > 0)).toBe(true);
    expect(a.support.every((s) => s.boxes.every((box) => a.slots.includes(box.className)))).toBe(true);
  });
});
