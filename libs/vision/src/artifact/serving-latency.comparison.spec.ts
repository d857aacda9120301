import type { DetectionBatchResult, DetectorRunner } from './detector.runner';
import type { LabelledSample } from '../data/sample';
import { compareServingLatency } from './serving-latency.comparison';

/** The comparison's clock in these tests: only the fake runners move it, so the machine's load cannot. */
class FakeClock {
  private nanoseconds = 0n;
  readonly now = (): bigint => this.nanoseconds;
  advance(ms: number): void {
    this.nanoseconds += BigInt(Math.round(ms * 1e6));
  }
}

/** A runner whose every batch takes `msPerFrame` per frame on `clock`. */
function fakeRunner(clock: FakeClock, msPerFrame: number, calls: string[], name: string): DetectorRunner {
  return {
    metadata: { template: { required: false } },
    detect: async (inputs: readonly unknown[]): Promise<DetectionBatchResult> => {
      calls.push(name);
      clock.advance(msPerFrame * inputs.length);
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
    const clock = new FakeClock();
    const result = await compareServingLatency(fakeRunner(clock, 1, calls, 'base'), fakeRunner(clock, 2, calls, 'cand'), samples(4), {
      batchSize: 2,
      rounds: 3,
      clock: clock.now,
    });
    expect(result).not.toBeNull();
    expect(result?.frames).toBe(4);
    // warm-up base, cand; round 0 base first, round 1 cand first, round 2 base first (two batches each pass)
    const passes = calls.filter((_, i) => i % 2 === 0);
    expect(passes).toEqual(['base', 'cand', 'base', 'cand', 'cand', 'base', 'base', 'cand']);
    expect(result?.ratio).toBeCloseTo(2, 9);
    expect(result?.baselineMsPerFrame).toBeCloseTo(1, 9);
    expect(result?.candidateMsPerFrame).toBeCloseTo(2, 9);
  });

  it('is null when no frame can be read, and skips the unreadable ones otherwise', async () => {
    const objects = { getObjectBytes: async () => Promise.reject(new Error('gone')) };
    const clock = new FakeClock();
    expect(
      await compareServingLatency(fakeRunner(clock, 1, [], 'a'), fakeRunner(clock, 1, [], 'b'), samples(0, 2), {
        batchSize: 2,
        rounds: 1,
        objects,
        clock: clock.now,
      }),
    ).toBeNull();
    const some = await compareServingLatency(fakeRunner(clock, 1, [], 'a'), fakeRunner(clock, 1, [], 'b'), samples(3, 2), {
      clock: clock.now,
      batchSize: 2,
      rounds: 1,
      objects,
    });
    expect(some?.frames).toBe(3);
  });
});
