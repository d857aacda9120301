// `npm start` pointed at real infrastructure (the README's "same command, your own Kafka/S3/Postgres"):
// with ARGUS_KAFKA_BROKERS, ARGUS_S3_ENDPOINT and ARGUS_DATABASE_URL set to infra/local, the one
// process uses Kafka, S3Proxy and Postgres instead of its embedded stand-ins; simulated frames are
// stored in the bucket, announced on Kafka, scored and written to that Postgres.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';
import { createThrowawayDatabase, databaseConfigFromEnv, type ThrowawayDatabase } from '@argus/persistence';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { waitFor } from '@argus/platform/testing';

jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const run = randomBytes(3).toString('hex');
const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('embedded mode (npm start) on infra/local: Kafka, S3Proxy and Postgres', () => {
  let dataDir: string;
  let db: ThrowawayDatabase;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  const announced = new Set<string>();
  const recorder = new KafkaMessageBusAdapter({
    config: kafkaConfigFromEnv(process.env, { clientId: `embedded-infra-${run}` }),
    logger: silent,
    consumer: { maxWaitTimeMs: 200 },
  });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'argus-embedded-infra-'));
    await mkdir(path.join(dataDir, 'no-shipped-models'));
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'embedded-infra-int'));
    await recorder.ensureTopics([Topics.frameIngested]);
    await recorder.subscribe(Topics.frameIngested, {
      groupId: `embedded-infra-recorder-${run}`,
      fromBeginning: false,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (event) => {
        announced.add(event.frameId);
      },
    });
    await recorder.start();
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await recorder.stop();
    const keys = db
      ? ((await db.dataSource.query(`SELECT object_key FROM frame`).catch(() => [])) as { object_key: string }[]).map((r) => r.object_key)
      : [];
    for (const key of keys) await store.delete(key).catch(() => undefined);
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the configured Kafka, S3 and Postgres: frames stored, announced, scored and recorded there', async () => {
    const databaseUrl = new URL(process.env['ARGUS_DATABASE_URL'] as string);
    databaseUrl.pathname = `/${db.name}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SWC_NODE_PROJECT: 'tsconfig.json',
      ARGUS_DATABASE_URL: databaseUrl.toString(),
      ARGUS_DATA_DIR: path.join(dataDir, 'data'),
      ARGUS_MODELS_DIR: path.join(dataDir, 'no-shipped-models'),
      // Its own consumer group: frames other runs left on the shared topic are not its business.
      ARGUS_INFER_GROUP_ID: `embedded-infra-${run}`,
      // The same for the fine-tune loop: a job another run announces is in another database (its
      // ledger here would not know it and dead-letter it).
      ARGUS_FINETUNE_LABELS_GROUP_ID: `embedded-infra-labels-${run}`,
      ARGUS_FINETUNE_TRAINERS_GROUP_ID: `embedded-infra-trainers-${run}`,
      PORT: '0',
      ARGUS_SIMULATOR_FPS: '3',
      ARGUS_STATUS_INTERVAL_MS: '250',
      LOG_LEVEL: 'warn',
    };
    delete env['ARGUS_INGEST_SOURCES'];
    delete env['ARGUS_CAMERA_TOKEN'];
    child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/embedded/src/main.ts'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    const scored = async (): Promise<{ id: string; object_key: string }[]> =>
      (await db.dataSource.query(`SELECT f.id, f.object_key FROM frame f JOIN frame_inference fi ON fi.frame_id = f.id`)) as {
        id: string;
        object_key: string;
      }[];
    let rows: { id: string; object_key: string }[] = [];
    await waitFor(
      '10 frames scored in the configured Postgres',
      async () => {
        if (child?.exitCode !== null) throw new Error(`embedded mode exited with ${child?.exitCode}`);
        rows = await scored().catch(() => []);
        return rows.length >= 10;
      },
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`);
    });

    expect(stdout).toMatch(/bus\s+Kafka at /);
    expect(stdout).toMatch(/objects\s+S3 at /);
    expect(stdout).toMatch(/postgres\s+postgres:\/\/.*\(ARGUS_DATABASE_URL\)/);
    // Every scored frame is in the bucket and went over Kafka.
    for (const row of rows.slice(0, 10)) expect(await store.exists(row.object_key)).toBe(true);
    await waitFor('the scored frames to be seen on Kafka', () => rows.slice(0, 10).every((r) => announced.has(r.id)), 20_000);

    child.kill('SIGINT');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
