import { randomUUID } from 'node:crypto';
import { inSample, shadowDecision } from './shadow-sampling.rule';

const idle = { share: 1, productionQueued: 0, shadowQueued: 0, shadowCapacity: 4 };

describe('shadowDecision', () => {
  it('scores a sampled frame when production has nothing queued and the shadow has room', () => {
    expect(shadowDecision(randomUUID(), idle)).toBe('score');
  });

  it('backs off whenever production has frames waiting for a batch', () => {
    expect(shadowDecision(randomUUID(), { ...idle, productionQueued: 1 })).toBe('production-queued');
  });

  it('drops rather than queues once the shadow holds its capacity', () => {
    expect(shadowDecision(randomUUID(), { ...idle, shadowQueued: 3 })).toBe('score');
    expect(shadowDecision(randomUUID(), { ...idle, shadowQueued: 4 })).toBe('shadow-busy');
  });

  it('says not-sampled before anything else, so the sample does not depend on load', () => {
    expect(shadowDecision(randomUUID(), { ...idle, share: 0, productionQueued: 5, shadowQueued: 9 })).toBe('not-sampled');
  });
});

describe('inSample', () => {
  it('draws the same for the same frame, every time', () => {
    const id = randomUUID();
    const first = inSample(id, 0.5);
    for (let i = 0; i < 5; i++) expect(inSample(id, 0.5)).toBe(first);
  });

  it('takes about the configured share of frames, all at 1 and none at 0', () => {
    const ids = Array.from({ length: 4000 }, () => randomUUID());
    const taken = ids.filter((id) => inSample(id, 0.25)).length / ids.length;
    expect(taken).toBeGreaterThan(0.2);
    expect(taken).toBeLessThan(0.3);
    expect(ids.every((id) => inSample(id, 1))).toBe(true);
    expect(ids.some((id) => inSample(id, 0))).toBe(false);
  });

  it('keeps a frame sampled when the share grows (the sample at 0.1 is inside the sample at 0.3)', () => {
    const ids = Array.from({ length: 500 }, () => randomUUID());
    for (const id of ids.filter((i) => inSample(i, 0.1))) expect(inSample(id, 0.3)).toBe(true);
  });
});
