// Frame retention on the embedded mode's adapters: PGlite (served by embedded-postgres.server.ts
// as its own process, since PGlite's dynamic imports do not run inside Jest's VM) and the
// filesystem object store in a temporary folder. Touches no external infrastructure.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDataSource, databaseConfigFromEnv, runMigrations } from '@argus/persistence';
import { FilesystemObjectStore } from '@argus/storage';
import { describeRetentionOnAdapters, type RetentionAdapters } from './testing/frame-retention.scenario';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

async function startEmbeddedPostgres(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/persistence/src/embedded-postgres.server.ts', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded Postgres exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
  return { url, child };
}

describeRetentionOnAdapters('PGlite + the filesystem store (embedded mode)', async (): Promise<RetentionAdapters> => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'argus-retention-embedded-'));
  const { url, child } = await startEmbeddedPostgres(path.join(folder, 'postgres'));
  // As the embedded mode connects: one connection (PGlite is one session), no named statements.
  const db = createDataSource(
    databaseConfigFromEnv({ ARGUS_DATABASE_URL: url, ARGUS_DATABASE_POOL_SIZE: '1', ARGUS_DATABASE_PREPARED_STATEMENTS: 'false' }, 'retention-embedded-it'),
  );
  await db.initialize();
  await runMigrations(db);
  const store = new FilesystemObjectStore({ root: path.join(folder, 'objects'), bucket: 'argus' });
  await store.ensureBucket();
  return {
    db,
    store,
    close: async () => {
      if (db.isInitialized) await db.destroy();
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      await rm(folder, { recursive: true, force: true });
    },
  };
});
