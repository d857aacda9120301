import type { DetectionBatchResult, DetectorRunner } from './detector.runner';
import type { LabelledSample } from '../data/sample';
import { compareServingLatency } from './serving-latency.comparison';

/** A runner whose every batch busy-waits `msPerFrame` per frame, plus `drift` ms per call (load that grows over time). */
function fakeRunner(msPerFrame: number, calls: string[], name: string, drift = 0): DetectorRunner {
  let n = 0;
  return {
    metadata: { template: { required: false } },
    detect: async (inputs: readonly unknown[]): Promise<DetectionBatchResult> => {
      calls.push(name);
      const until = performance.now() + msPerFrame * inputs.length + drift * n++;
      while (performance.now() < until) {
        // busy: the comparison times wall clock, as a service's frames feel it
      }
      return { detections: inputs.map(() => []), failures: [] } as unknown as DetectionBatchResult;
    },
  } as unknown as DetectorRunner;
}

const samples = (n: number, unreadable = 0): LabelledSample[] =>
  Array.from({ length: n + unreadable }, (_, i) => ({
    id: `s${i}`,
    image: i < n ? { kind: 'encoded', bytes: new Uint8Array([1, 2, 3]) } : { kind: 'object', key: `missing/${i}` },
    boxes: [],
  })) as unknown as LabelledSample[];

describe('compareServingLatency', () => {
  it('times both models on the same frames after a warm-up, alternating who goes first, and judges the paired ratio', async () => {
    const calls: string[] = [];
    const result = await compareServingLatency(fakeRunner(1, calls, 'base'), fakeRunner(2, calls, 'cand'), samples(4), {
      batchSize: 2,
      rounds: 3,
    });
    expect(result).not.toBeNull();
    expect(result?.frames).toBe(4);
    // warm-up base, cand; round 0 base first, round 1 cand first, round 2 base first (two batches each pass)
    const passes = calls.filter((_, i) => i % 2 === 0);
    expect(passes).toEqual(['base', 'cand', 'base', 'cand', 'cand', 'base', 'base', 'cand']);
    expect(result?.ratio).toBeGreaterThan(1.6);
    expect(result?.ratio).toBeLessThan(2.6);
    expect(result?.candidateMsPerFrame).toBeGreaterThan(result?.baselineMsPerFrame ?? Infinity);
  });

  it('is null when no frame can be read, and skips the unreadable ones otherwise', async () => {
    const objects = { getObjectBytes: async () => Promise.reject(new Error('gone')) };
    expect(
      await compareServingLatency(fakeRunner(1, [], 'a'), fakeRunner(1, [], 'b'), samples(0, 2), { batchSize: 2, rounds: 1, objects }),
    ).toBeNull();
    const some = await compareServingLatency(fakeRunner(1, [], 'a'), fakeRunner(1, [], 'b'), samples(3, 2), {
      batchSize: 2,
      rounds: 1,
      objects,
    });
    expect(some?.frames).toBe(3);
  });
});
