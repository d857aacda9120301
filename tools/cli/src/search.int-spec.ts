/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runArgus } from './testing/cli.harness';

/**
 * `argus search` end to end on synthetic PCB scenes with a budget of seconds: worker processes,
 * trials, the front written (JSON, SVG, PNG), and the same command again resuming the finished
 * search instead of starting over. No infrastructure: the local pool, not Kafka.
 */
jest.setTimeout(240_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'argus-search-cli-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const TINY = ['--epochs', '1', '--images', '8', '--crops', '1', '--rungs', '1', '--workers', '1', '--synthetic-count', '20'];

it('searches, writes the front, and resumes the same search when run again', async () => {
  const out = path.join(dir, 'random');
  const first = await runArgus(['search', '--data', 'synthetic:pcb', '--out', out, '--controller', 'random', '--trials', '2', ...TINY]);
  expect(first.err.split('\n').filter((l) => /error/i.test(l) && !/rejected/.test(l))).toEqual([]);
  expect({ code: first.code, err: first.code === 0 ? '' : first.err }).toEqual({ code: 0, err: '' });
  expect(first.out).toMatch(/argus search: random on synthetic:pcb; 1 worker\(s\) at nice 10/);
  expect(first.out.match(/^trial [0-9a-f]{8} rung 0: AP \d\.\d{4} at \d+\.\d{2} ms$/gm)).toHaveLength(2);
  const front = JSON.parse(await readFile(path.join(out, 'front.json'), 'utf8')) as {
    points: unknown[];
    front: { spec: { specVersion: number } }[];
    hypervolume: number;
  };
  expect(front.points).toHaveLength(2);
  expect(front.front.length).toBeGreaterThanOrEqual(1);
  expect(front.front[0]!.spec.specVersion).toBe(1);
  expect(Number.isFinite(front.hypervolume)).toBe(true);
  for (const f of ['front.svg', 'front.png', 'state.json', 'search.json']) expect(existsSync(path.join(out, f))).toBe(true);

  const again = await runArgus(['search', '--data', 'synthetic:pcb', '--out', out, '--controller', 'random', '--trials', '2', ...TINY]);
  expect(again.code).toBe(0);
  expect(again.out).toContain('resuming');
  expect(again.out).not.toMatch(/^trial [0-9a-f]{8} rung/m);
});

it('refuses a search without a budget or with an unknown controller before doing any work', async () => {
  const none = await runArgus(['search', '--data', 'synthetic:pcb', '--out', path.join(dir, 'x')]);
  expect(none.code).toBe(2);
  expect(none.err).toContain('give a budget: --trials N, --minutes M or both');
  const unknown = await runArgus([
    'search',
    '--data',
    'synthetic:pcb',
    '--out',
    path.join(dir, 'y'),
    '--controller',
    'genetic',
    '--trials',
    '2',
  ]);
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain('--controller must be one of ppo, evolution, random, got "genetic"');
  expect(existsSync(path.join(dir, 'x'))).toBe(false);
});
