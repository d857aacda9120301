// `npm start` with the scripted reviewer on and a tiny trigger: the continual fine-tune loop runs in
// the process — the reviewer's decisions become labels, the line's trigger asks for a job, the
// in-process trainer runs it to its outcome, and the status line says so. Zero infrastructure
// (in-memory bus, filesystem store, PGlite), the untrained placeholder models; `.int-spec`
// because it is slow.
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDataSource, databaseConfigFromEnv } from '@argus/persistence';
import { waitFor } from '@argus/platform/testing';
import { killEmbedded, launchEmbedded } from './testing/embedded-process.harness';

jest.setTimeout(120_000);

const LABELS_PER_JOB = 12;

describe('embedded mode (npm start) with the scripted reviewer: the fine-tune loop in process', () => {
  let dataDir: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'argus-embedded-learning-'));
    await mkdir(path.join(dataDir, 'no-shipped-models'));
  });

  afterAll(async () => {
    await killEmbedded(child);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reviews simulated alerts from the scenes’ truth, asks for a training job after the trigger’s labels, and runs it to its outcome', async () => {
    const started = launchEmbedded(
      dataDir,
      {
        ARGUS_SIMULATOR_FPS: '4',
        // Defective parts often enough that the labels, and the holdout, hold true boxes within seconds.
        ARGUS_SIMULATOR_DEFECT_RATE: '0.5',
        ARGUS_DEMO_REVIEWER: 'on',
        ARGUS_DEMO_REVIEWER_PACE_SECONDS: '0.2',
        ARGUS_FINETUNE_MIN_NEW_LABELS: String(LABELS_PER_JOB),
        // half the labelled frames held out: the gates need held-out frames of a data set this small
        ARGUS_FINETUNE_HOLDOUT_SHARE: '0.5',
        ARGUS_FINETUNE_EPOCHS: '2',
      },
      { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), transcript: () => `${stdout}\n${stderr}` },
    );
    child = started.child;
    const { exited, alive } = started;
    const explain = (error: Error) => {
      throw new Error(`${error.message}\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`);
    };

    await waitFor('the embedded mode ready', () => (alive(), stdout.includes('Ctrl-C stops everything.')), 45_000).catch(explain);
    expect(stdout).toMatch(/learning continual fine-tune on: a line's job after 12 new labels, 2 epochs/);
    expect(stdout).toMatch(/reviewer scripted: one simulated alert every 0\.2 s/);

    const url = /postgres (postgres:\/\/\S+) \(psql/.exec(stdout)?.[1] as string;
    const db = createDataSource(
      databaseConfigFromEnv({ ARGUS_DATABASE_URL: url, ARGUS_DATABASE_POOL_SIZE: '1' }, 'embedded-learning-spec'),
    );
    await db.initialize();
    try {
      // The reviewer's decisions, recorded as demo-reviewer's reviews and turned into labels.
      const reviews = async () =>
        (await db.query(
          `SELECT r.decision, count(*)::int AS n FROM review r JOIN app_user u ON u.id = r.reviewer_id
            WHERE u.username = 'demo-reviewer' GROUP BY r.decision`,
        )) as { decision: string; n: number }[];
      await waitFor(
        `${LABELS_PER_JOB} scripted reviews`,
        async () => (alive(), (await reviews()).reduce((sum, r) => sum + r.n, 0) >= LABELS_PER_JOB),
        { timeoutMs: 45_000, intervalMs: 500 },
      ).catch(explain);
      const decided = Object.fromEntries((await reviews()).map((r) => [r.decision, r.n]));
      expect(decided['rejected']).toBeGreaterThan(0); // the untrained model alerts on good parts
      expect((decided['corrected'] ?? 0) + (decided['confirmed'] ?? 0)).toBeGreaterThan(0); // and misses or misplaces defects
      const [labels] = (await db.query(`SELECT count(*)::int AS n FROM labelled_frame`)) as { n: number }[];
      expect(labels?.n).toBeGreaterThan(0);

      // The trigger asked for a job (after the labels, not before: no schedule rule in the embedded mode).
      const jobs = async () =>
        (await db.query(`SELECT line_id, status, triggers, candidate_model_version_id FROM training_job ORDER BY created_at`)) as {
          line_id: string;
          status: string;
          triggers: { kind: string }[];
          candidate_model_version_id: string | null;
        }[];
      await waitFor('a training job requested', async () => (alive(), (await jobs()).length > 0), {
        timeoutMs: 30_000,
        intervalMs: 500,
      }).catch(explain);
      const [first] = await jobs();
      expect(first?.triggers.map((t) => t.kind)).toContain('new-labels');

      // The in-process trainer runs it to an outcome (seconds for the tiny placeholder), and the
      // status line shows the candidate or why the job failed, on the job's line.
      await waitFor(
        'the first job ended and the status line shows its outcome',
        async () => {
          alive();
          const ended = (await jobs()).find((job) => ['completed', 'failed'].includes(job.status));
          return ended !== undefined && new RegExp(`${ended.line_id} \\S+ \\[(candidate |training job failed)`).test(stdout);
        },
        { timeoutMs: 45_000, intervalMs: 500 },
      ).catch(explain);
      const ended = (await jobs()).filter((job) => job.status === 'completed');
      for (const job of ended) expect(job.candidate_model_version_id).not.toBeNull();
      expect(stdout).toMatch(/scripted reviews \d+ \(\d+ confirmed, \d+ corrected, \d+ rejected\)/);
    } finally {
      await db.destroy();
    }

    started.child.kill('SIGINT');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
