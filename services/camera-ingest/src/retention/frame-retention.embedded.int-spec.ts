// Frame retention on the embedded mode's adapters: PGlite (served by embedded-postgres.server.ts
// as its own process, since PGlite's dynamic imports do not run inside Jest's VM) and the
// filesystem object store in a temporary folder. Touches no external infrastructure.
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDataSource, databaseConfigFromEnv, runMigrations } from '@argus/persistence';
import { startEmbeddedPostgresProcess } from '@argus/persistence/src/testing/embedded-postgres.process';
import { FilesystemObjectStore } from '@argus/storage';
import { describeRetentionOnAdapters, type RetentionAdapters } from './testing/frame-retention.scenario';

describeRetentionOnAdapters('PGlite + the filesystem store (embedded mode)', async (): Promise<RetentionAdapters> => {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'argus-retention-embedded-'));
  const server = await startEmbeddedPostgresProcess(path.join(folder, 'postgres'));
  // As the embedded mode connects: one connection (PGlite is one session), no named statements.
  const db = createDataSource(
    databaseConfigFromEnv(
      { ARGUS_DATABASE_URL: server.url, ARGUS_DATABASE_POOL_SIZE: '1', ARGUS_DATABASE_PREPARED_STATEMENTS: 'false' },
      'retention-embedded-it',
    ),
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
      await server.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
});
