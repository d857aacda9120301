import type { LabelledSample } from '../data/sample';
import { mixReplay, selectExemplars } from './exemplar.selector';

function sample(id: string, classes: string[]): LabelledSample {
  return {
    id,
    image: { kind: 'file', path: `/data/${id}.jpg` },
    boxes: classes.map((className, i) => ({ className, box: { x1: i, y1: 0, x2: i + 1, y2: 1 } })),
    source: 'test',
  };
}

const DATA = [
  sample('s1', ['a', 'a', 'a']),
  sample('s2', ['a', 'b']),
  sample('s3', ['b', 'b']),
  sample('s4', ['c']),
  sample('s5', ['a', 'a', 'c', 'c']),
  sample('s6', []),
];

describe('selectExemplars (class-balanced greedy coverage)', () => {
  it('fills the least-covered class first with the sample richest in it', () => {
    // covered a b c: 0 0 0 → a: s1 (3 a) → 3 0 0 → b: s3 (2 b) → 3 2 0 → c: s5 (2 c) → 5 2 2
    const three = selectExemplars(DATA, ['a', 'b', 'c'], 3, 1);
    expect(three.ids).toEqual(['s1', 's3', 's5']);
    expect(three.boxesPerClass).toEqual({ a: 5, b: 2, c: 2 });
    // → b (tied with c, listed first): s2 → 6 3 2 → c: s4 → 6 3 3; s6 has no box and is never chosen.
    const all = selectExemplars(DATA, ['a', 'b', 'c'], 10, 1);
    expect(all.ids).toEqual(['s1', 's3', 's5', 's2', 's4']);
    expect(all.boxesPerClass).toEqual({ a: 6, b: 3, c: 3 });
  });

  it('balances by the classes it is given (a class the parent lacks does not count)', () => {
    const picked = selectExemplars(DATA, ['c', 'b'], 2, 1);
    expect(picked.ids).toEqual(['s5', 's3']);
    expect(picked.boxesPerClass).toEqual({ c: 2, b: 2 });
  });

  it('breaks ties by a seeded hash of the id: the same seed gives the same set', () => {
    const twins = ['t1', 't2', 't3', 't4', 't5', 't6'].map((id) => sample(id, ['a']));
    const first = selectExemplars(twins, ['a'], 3, 7);
    expect(selectExemplars(twins, ['a'], 3, 7).ids).toEqual(first.ids);
    const others = [1, 2, 3, 4, 5].map((seed) => selectExemplars(twins, ['a'], 3, seed).ids.join());
    expect(new Set([first.ids.join(), ...others]).size).toBeGreaterThan(1);
  });

  it('fingerprints the choice, and refuses a bad budget or repeated ids', () => {
    const a = selectExemplars(DATA, ['a', 'b', 'c'], 3, 1);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(selectExemplars(DATA, ['a', 'b', 'c'], 3, 1).fingerprint).toBe(a.fingerprint);
    expect(selectExemplars(DATA, ['a', 'b', 'c'], 2, 1).fingerprint).not.toBe(a.fingerprint);
    expect(() => selectExemplars(DATA, ['a'], -1, 1)).toThrow(/budget/);
    expect(() => selectExemplars([...DATA, sample('s1', ['a'])], ['a'], 1, 1)).toThrow(/s1 appears twice/);
  });
});

describe('mixReplay', () => {
  const fresh = Array.from({ length: 30 }, (_, i) => `n${i}`);
  it('repeats the new data when the exemplars outnumber it', () => {
    const mix = mixReplay(
      fresh,
      Array.from({ length: 100 }, (_, i) => `e${i}`),
      0.5,
    );
    // 100·0.5 / (30·0.5) = 3.33 → the 30 new frames three times: 90 + 100, replay share 100/190.
    expect([mix.freshRepeats, mix.replayRepeats, mix.samples.length]).toEqual([3, 1, 190]);
    expect(mix.replayShare).toBeCloseTo(100 / 190, 10);
  });

  it('repeats the exemplars when they are few', () => {
    const mix = mixReplay(fresh, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10'], 0.5);
    expect([mix.freshRepeats, mix.replayRepeats, mix.samples.length, mix.replayShare]).toEqual([1, 3, 60, 0.5]);
  });

  it('is the new data alone with no exemplars or a zero share; refuses an empty new set', () => {
    expect(mixReplay(fresh, [], 0.5).samples).toEqual(fresh);
    expect(mixReplay(fresh, ['e'], 0).samples).toEqual(fresh);
    expect(() => mixReplay([], ['e'], 0.5)).toThrow(/no new samples/);
    expect(() => mixReplay(fresh, ['e'], 1)).toThrow(/replay share/);
  });
});
