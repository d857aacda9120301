import type { DetectorBatchOutput, DetectorInput, DetectorRuntime, RuntimeModel } from './detector-runtime.port';
import { DetectorWorkerPool } from './detector-worker.pool';

const model = (id: string): RuntimeModel => ({ id, name: 'pcb', version: id, artifactKey: `models/pcb/${id}` });
const input = (label: string): DetectorInput => ({ image: new Uint8Array([1]), label });

/** A member that records its calls and holds each detect until released. */
class HeldRuntime implements DetectorRuntime {
  readonly loaded = new Set<string>();
  readonly batches: string[][] = [];
  private readonly held: Array<() => void> = [];
  gc = { pauseMs: 0, fullGcs: 0 };
  closed = false;

  async load(m: RuntimeModel): Promise<void> {
    this.loaded.add(m.id);
  }
  async detect(m: RuntimeModel, inputs: readonly DetectorInput[]): Promise<DetectorBatchOutput> {
    this.batches.push(inputs.map((i) => i.label));
    await new Promise<void>((resolve) => this.held.push(resolve));
    return { batchMs: 1, outputs: inputs.map(() => ({ ok: true as const, detections: [], width: 1, height: 1 })) };
  }
  release(): void {
    this.held.shift()?.();
  }
  async unload(modelId: string): Promise<void> {
    this.loaded.delete(modelId);
  }
  loadedModelIds(): readonly string[] {
    return [...this.loaded];
  }
  takeGcStats() {
    const taken = this.gc;
    this.gc = { pauseMs: 0, fullGcs: 0 };
    return taken;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('DetectorWorkerPool', () => {
  it('loads and unloads every version in every member', async () => {
    const members = [new HeldRuntime(), new HeldRuntime()];
    const pool = new DetectorWorkerPool(members);
    await pool.load(model('v1'));
    await pool.load(model('v2'));
    expect(members.map((m) => [...m.loaded])).toEqual([
      ['v1', 'v2'],
      ['v1', 'v2'],
    ]);
    await pool.unload('v1');
    expect(members.map((m) => [...m.loaded])).toEqual([['v2'], ['v2']]);
    expect(pool.loadedModelIds()).toEqual(['v2']);
  });

  it('sends each batch to the member with the fewest batches in flight', async () => {
    const members = [new HeldRuntime(), new HeldRuntime()];
    const pool = new DetectorWorkerPool(members);
    const first = pool.detect(model('v1'), [input('a')]);
    const second = pool.detect(model('v1'), [input('b')]);
    await settle();
    expect(members.map((m) => m.batches)).toEqual([[['a']], [['b']]]);
    members[1]?.release();
    await second;
    const third = pool.detect(model('v1'), [input('c')]); // member 0 is still busy
    await settle();
    expect(members[1]?.batches).toEqual([['b'], ['c']]);
    members[0]?.release();
    members[1]?.release();
    await Promise.all([first, third]);
    const fourth = pool.detect(model('v1'), [input('d')]); // both free: the first member
    await settle();
    expect(members[0]?.batches).toEqual([['a'], ['d']]);
    members[0]?.release();
    await fourth;
  });

  it('frees a member whose batch failed', async () => {
    const failing = new HeldRuntime();
    failing.detect = async () => {
      throw new Error('inference worker exited with code 1');
    };
    const other = new HeldRuntime();
    const pool = new DetectorWorkerPool([failing, other]);
    await expect(pool.detect(model('v1'), [input('a')])).rejects.toThrow('exited');
    const next = expect(pool.detect(model('v1'), [input('b')])).rejects.toThrow('exited');
    await settle();
    expect(other.batches).toEqual([]); // the failed member counts as free again, and is first
    await next;
  });

  it("adds up the members' GC and closes them all", async () => {
    const [a, b] = [new HeldRuntime(), new HeldRuntime()];
    a.gc = { pauseMs: 3, fullGcs: 1 };
    b.gc = { pauseMs: 4, fullGcs: 0 };
    const members = [a, b];
    const pool = new DetectorWorkerPool(members);
    expect(pool.takeGcStats()).toEqual({ pauseMs: 7, fullGcs: 1 });
    expect(pool.takeGcStats()).toEqual({ pauseMs: 0, fullGcs: 0 });
    await pool.close();
    expect(members.every((m) => m.closed)).toBe(true);
  });

  it('refuses an empty pool', () => {
    expect(() => new DetectorWorkerPool([])).toThrow(RangeError);
  });
});
