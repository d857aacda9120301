// The embedded Postgres (PGlite over a local socket) with the real pg/TypeORM stack: migrations,
// several connections at once without crossed answers, and data that survives a restart. The
// server runs as its own process (PGlite's dynamic imports do not run inside Jest's VM).
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDataSource } from './data-source.factory';
import type { Database } from './database';
import { databaseConfigFromEnv } from './database.config';
import { LineRepository } from './line.repository';
import { migrationStatus, runMigrations } from './migrations.runner';
import { type EmbeddedPostgresProcess, startEmbeddedPostgresProcess } from './testing/embedded-postgres.process';

jest.setTimeout(60_000);

describe('EmbeddedPostgresServer (embedded-postgres.server.ts as a process)', () => {
  let dataDir: string;
  let server: EmbeddedPostgresProcess | undefined;
  const sources: Database[] = [];

  async function connect(name: string): Promise<Database> {
    const config = databaseConfigFromEnv(
      { ARGUS_DATABASE_URL: (server as EmbeddedPostgresProcess).url, ARGUS_DATABASE_POOL_SIZE: '1' },
      name,
    );
    const dataSource = createDataSource(config);
    sources.push(dataSource);
    await dataSource.initialize();
    return dataSource;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'argus-embedded-pg-'));
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => (s.isInitialized ? s.destroy() : undefined)));
    if (server) expect(await server.stop()).toBe(0);
    server = undefined;
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the migrations and the repositories through TypeORM (pool of 1, pgcrypto uuids)', async () => {
    server = await startEmbeddedPostgresProcess(dataDir);
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const db = await connect('int-migrate');
    await runMigrations(db);
    expect((await migrationStatus(db)).pending).toEqual([]);
    const lines = new LineRepository(db);
    await lines.upsertLine({ id: 'line-a', name: 'Line A' });
    const camera = await lines.addCamera({ lineId: 'line-a', id: 'cam-1', name: 'Camera 1' });
    expect(camera).toMatchObject({ lineId: 'line-a', id: 'cam-1' });
  });

  it('serves several connections at once, each getting its own answers (parameterised queries and transactions interleaved)', async () => {
    server = await startEmbeddedPostgresProcess(dataDir);
    const clients = await Promise.all([connect('c1'), connect('c2'), connect('c3'), connect('c4')]);
    await (clients[0] as Database).query('CREATE TABLE IF NOT EXISTS echo_probe (id serial PRIMARY KEY, v text NOT NULL)');
    const mismatches: string[] = [];
    await Promise.all(
      clients.map(async (db, c) => {
        for (let i = 0; i < 60; i++) {
          const tag = `c${c}-${i}`;
          const rows = (await db.query('INSERT INTO echo_probe (v) VALUES ($1) RETURNING v', [tag])) as { v: string }[];
          if (rows[0]?.v !== tag) mismatches.push(`${tag} got ${rows[0]?.v}`);
          if (i % 20 === 0) {
            await db.transaction(async (tx) => {
              await tx.query('INSERT INTO echo_probe (v) VALUES ($1)', [`tx-${tag}`]);
              const inside = (await tx.query('SELECT count(*)::int AS n FROM echo_probe WHERE v = $1', [`tx-${tag}`])) as {
                n: number;
              }[];
              if (inside[0]?.n !== 1) mismatches.push(`tx-${tag} not visible inside its transaction`);
            });
          }
        }
      }),
    );
    expect(mismatches).toEqual([]);
    const count = (await (clients[1] as Database).query('SELECT count(*)::int AS n FROM echo_probe')) as { n: number }[];
    expect(count[0]?.n).toBe(4 * 60 + 4 * 3);
  });

  it('keeps the data across a stop and a start on the same folder', async () => {
    server = await startEmbeddedPostgresProcess(dataDir);
    let db = await connect('before');
    await runMigrations(db);
    await new LineRepository(db).upsertLine({ id: 'line-kept', name: 'Kept' });
    await db.destroy();
    expect(await server.stop()).toBe(0);

    server = await startEmbeddedPostgresProcess(dataDir);
    db = await connect('after');
    expect(await new LineRepository(db).findLine('line-kept')).toMatchObject({ id: 'line-kept', name: 'Kept' });
  });
});
