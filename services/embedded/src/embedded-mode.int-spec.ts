// `npm start` as a user runs it: the embedded mode as a child process with no infrastructure
// configured (in-memory bus, filesystem store, PGlite), simulated cameras and the untrained
// placeholder models. Touches no external infrastructure; `.int-spec` because it is slow.
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDataSource, databaseConfigFromEnv } from '@argus/persistence';
import { waitFor } from '@argus/platform/testing';
import { killEmbedded, launchEmbedded } from './testing/embedded-process.harness';

jest.setTimeout(60_000);

interface Progress {
  /** All runs: frames stored, scored and alerts raised (the status line's totals). */
  frames: number;
  scored: number;
  alerts: number;
  duplicates: number;
}

const STATUS = /status: .*? · (\d+) duplicates? skipped · all runs: (\d+) frames, (\d+) scored, (\d+) alerts/g;

describe('embedded mode (npm start) with zero infrastructure', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';

  const statusLines = (text: string): Progress[] =>
    [...text.matchAll(STATUS)].map((m) => ({ duplicates: Number(m[1]), frames: Number(m[2]), scored: Number(m[3]), alerts: Number(m[4]) }));
  const latest = (): Progress | undefined => statusLines(stdout).at(-1);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'argus-embedded-int-'));
    await mkdir(path.join(dataDir, 'no-shipped-models'));
  });

  afterAll(async () => {
    await killEmbedded(child);
    await rm(dataDir, { recursive: true, force: true });
  });

  /** `npm start` on the test's data folder; stdout/stderr collect into `stdout`/`stderr` (reset). */
  function launch(fps: number): { exited: Promise<[number | null, NodeJS.Signals | null]>; alive: () => void } {
    stdout = '';
    stderr = '';
    const run = launchEmbedded(
      dataDir,
      { ARGUS_SIMULATOR_FPS: String(fps) },
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), transcript: () => `${stdout}\n${stderr}` },
    );
    child = run.child;
    return run;
  }

  /** What the first run left: its postgres URL and how many frames it had stored. */
  let firstRun: { postgresUrl: string; framesStored: number } | undefined;

  it('ingests simulated frames, scores them, raises alerts, writes detections to the embedded Postgres, and stops cleanly on SIGINT', async () => {
    const { exited, alive } = launch(4);

    await waitFor(
      '30 frames scored and an alert raised',
      () => {
        alive();
        const progress = latest();
        return progress !== undefined && progress.scored >= 30 && progress.alerts >= 1;
      },
      45_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`);
    });

    // What the terminal says about each dependency and the model.
    expect(stdout).toMatch(/bus\s+in-memory/);
    expect(stdout).toMatch(/objects\s+filesystem /);
    expect(stdout).toMatch(/postgres\s+embedded PGlite at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
    expect(stdout).toContain('UNTRAINED');
    expect(stdout).toMatch(
      /status: [\d.]+ frames\/s stored · [\d.]+ scored · \d+ alerts\/min · 0 duplicates skipped · all runs: \d+ frames, \d+ scored, \d+ alerts, 0 dead letters · factory-1 factory-placeholder-untrained@1 · pcb-1 pcb-placeholder-untrained@1 · console http:\/\/127\.0\.0\.1:\d+\//,
    );

    // The console answers: readiness of bus, store, database and inference, and sign-in as the
    // admin whose password was generated and printed at this first start.
    const consoleUrl = /console\s+(http:\/\/\S+\/)/.exec(stdout)?.[1] as string;
    const ready = await fetch(`${consoleUrl}health/ready`);
    expect(ready.status).toBe(200);
    const printed = /admin\s+admin \/ (\S+)\s+\(generated now/.exec(stdout)?.[1] as string;
    expect(printed).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const login = await fetch(`${consoleUrl}api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: printed }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const me = await fetch(`${consoleUrl}api/v1/auth/me`, { headers: { cookie } });
    expect(((await me.json()) as { user: { role: string } }).user.role).toBe('admin');
    expect((await fetch(`${consoleUrl}api/v1/users`)).status).toBe(401);

    // The detections are in the embedded Postgres, read over the wire next to the running system.
    const url = /postgres (postgres:\/\/\S+) \(psql/.exec(stdout)?.[1] as string;
    const db = createDataSource(databaseConfigFromEnv({ ARGUS_DATABASE_URL: url, ARGUS_DATABASE_POOL_SIZE: '1' }, 'embedded-int-spec'));
    await db.initialize();
    try {
      const [counts] = (await db.query(
        `SELECT (SELECT count(*)::int FROM detection) AS detections,
                (SELECT count(*)::int FROM frame_inference) AS scored,
                (SELECT count(*)::int FROM alert) AS alerts,
                (SELECT count(DISTINCT d.class_name)::int FROM detection d) AS classes`,
      )) as { detections: number; scored: number; alerts: number; classes: number }[];
      expect(counts?.scored).toBeGreaterThanOrEqual(30);
      expect(counts?.detections).toBeGreaterThan(0);
      expect(counts?.alerts).toBeGreaterThanOrEqual(1);
      const [row] = (await db.query(
        `SELECT d.class_name, d.score, f.line_id, m.name AS model
           FROM detection d JOIN frame f ON f.id = d.frame_id JOIN model_version m ON m.id = d.model_version_id
          LIMIT 1`,
      )) as { class_name: string; score: number; line_id: string; model: string }[];
      expect(row?.model).toBe(`${row?.line_id.split('-')[0]}-placeholder-untrained`);
    } finally {
      await db.destroy();
    }

    child?.kill('SIGINT');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stderr).not.toMatch(/failed/i);
    firstRun = { postgresUrl: url, framesStored: latest()?.frames ?? 0 };
  });

  it('after a restart, at another frame rate, stores and scores new frames within seconds (no replayed scenes), on the same postgres URL', async () => {
    if (!firstRun) throw new Error('needs the first run');
    const earlier = firstRun;
    const { exited, alive } = launch(8);
    await waitFor('the restarted system ready', () => (alive(), stdout.includes('Ctrl-C stops everything.')), 45_000);
    const readyAt = Date.now();
    const url = /postgres (postgres:\/\/\S+) \(psql/.exec(stdout)?.[1] as string;
    expect(url).toBe(earlier.postgresUrl);

    // New frames stored and scored within seconds, the totals going on from the first run's.
    await waitFor(
      'new frames stored and scored after the restart',
      () => {
        alive();
        const now = latest();
        return now !== undefined && now.frames >= earlier.framesStored + 12 && now.scored >= earlier.framesStored + 12;
      },
      15_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`);
    });
    expect(Date.now() - readyAt).toBeLessThan(15_000);
    // None of them a scene the first run had sent.
    expect(statusLines(stdout).every((line) => line.duplicates === 0)).toBe(true);

    const db = createDataSource(databaseConfigFromEnv({ ARGUS_DATABASE_URL: url, ARGUS_DATABASE_POOL_SIZE: '1' }, 'embedded-int-spec'));
    await db.initialize();
    try {
      const [row] = (await db.query(
        `SELECT count(*)::int AS frames, count(*) FILTER (WHERE status = 'processed')::int AS scored FROM frame WHERE ingested_at >= $1`,
        [new Date(readyAt)],
      )) as { frames: number; scored: number }[];
      expect(row?.frames).toBeGreaterThanOrEqual(12);
      expect(row?.scored).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }

    child?.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
  }, 90_000);
});
