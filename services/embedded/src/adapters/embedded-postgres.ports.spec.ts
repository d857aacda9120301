import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_EMBEDDED_PG_PORT, embeddedPostgresPorts, rememberEmbeddedPostgresPort } from './embedded-postgres.ports';

describe('embedded Postgres ports', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'argus-pg-ports-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('tries the default, then any free port, in a data folder that remembers none', async () => {
    expect(await embeddedPostgresPorts(undefined, dataDir)).toEqual([DEFAULT_EMBEDDED_PG_PORT, 0]);
  });

  it('tries the port of the last start first, so the printed URL stays the same', async () => {
    await rememberEmbeddedPostgresPort(dataDir, 41234);
    expect(await readFile(path.join(dataDir, 'postgres.port'), 'utf8')).toBe('41234\n');
    expect(await embeddedPostgresPorts(undefined, dataDir)).toEqual([41234, DEFAULT_EMBEDDED_PG_PORT, 0]);
    await rememberEmbeddedPostgresPort(dataDir, DEFAULT_EMBEDDED_PG_PORT);
    expect(await embeddedPostgresPorts(undefined, dataDir)).toEqual([DEFAULT_EMBEDDED_PG_PORT, 0]);
  });

  it('uses ARGUS_EMBEDDED_PG_PORT alone when it is set (0: any free port)', async () => {
    await rememberEmbeddedPostgresPort(dataDir, 41234);
    expect(await embeddedPostgresPorts(5555, dataDir)).toEqual([5555]);
    expect(await embeddedPostgresPorts(0, dataDir)).toEqual([0]);
  });
});
