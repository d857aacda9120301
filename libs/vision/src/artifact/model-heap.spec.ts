import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { setHeapGrowingPercent } from './model-heap';

const REPO = path.resolve(__dirname, '../../../..');

/** The factor V8 applies at the next full GC of a fresh process after setHeapGrowingPercent(percent). */
function heapFactorAfter(percent: number): number {
  const script = `require(${JSON.stringify(path.join(__dirname, 'model-heap.ts'))}).setHeapGrowingPercent(${percent}); globalThis.gc();`;
  const run = spawnSync(process.execPath, ['--expose-gc', '--trace-gc-verbose', '-r', '@swc-node/register', '-e', script], {
    cwd: REPO,
    env: { ...process.env, SWC_NODE_PROJECT: path.join(REPO, 'tsconfig.json') },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(0);
  // e.g. "[HeapController] Limit: old size: 20617 KB, new limit: 49288 KB (2.0)"
  const limits = [...run.stdout.matchAll(/\[HeapController\] Limit: .*\((\d+\.\d)\)/g)];
  expect(limits.length).toBeGreaterThan(0);
  return Number(limits.at(-1)?.[1]);
}

describe('setHeapGrowingPercent', () => {
  it('makes V8 grow the heap by that factor at the next full GC (a real process, read from --trace-gc-verbose)', () => {
    expect(heapFactorAfter(150)).toBe(2.5);
    expect(heapFactorAfter(100)).toBe(2.0);
  }, 120_000);

  it('sets the flag, and 0 hands the factor back to V8', () => {
    const flags: string[] = [];
    setHeapGrowingPercent(100, (f) => flags.push(f));
    setHeapGrowingPercent(0, (f) => flags.push(f));
    expect(flags).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });

  it.each([-1, 1.5, 1001, Number.NaN])('rejects %p', (percent) => {
    expect(() => setHeapGrowingPercent(percent, () => undefined)).toThrow(RangeError);
  });
});
