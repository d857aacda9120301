import { databaseConfigFromEnv } from './database.config';
import { hotRows, hotStatement } from './database-handle.helper';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';

const UPDATE_RETURNING = hotStatement('test_bump', `UPDATE counter SET n = n + $1 WHERE id = ANY($2::int[]) RETURNING id, n`);

/** Against the Postgres that `infra/local/infra.sh up` starts; each case gets its own database. */
describe('hotRows against Postgres', () => {
  const opened: ThrowawayDatabase[] = [];
  /** A database with one connection, so a session's prepared statements can be seen from it. */
  const open = async (preparedStatements: boolean) => {
    const db = await createThrowawayDatabase({ ...databaseConfigFromEnv(process.env), poolSize: 1, preparedStatements });
    opened.push(db);
    await db.dataSource.query(`CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)`);
    await db.dataSource.query(`INSERT INTO counter VALUES (1, 0), (2, 0), (3, 0)`);
    return db;
  };
  const preparedNames = async (db: ThrowawayDatabase) =>
    ((await db.dataSource.query(`SELECT name FROM pg_prepared_statements`)) as { name: string }[]).map((r) => r.name);
  afterAll(async () => {
    for (const db of opened) await db.drop();
  });

  it('runs a named prepared statement on real Postgres, and answers the rows (an UPDATE … RETURNING too)', async () => {
    const db = await open(true);
    expect(await hotRows(db.dataSource, UPDATE_RETURNING, [1, [1, 3]])).toEqual([
      { id: 1, n: 1 },
      { id: 3, n: 1 },
    ]);
    // The second run reuses the statement the connection prepared.
    expect(await hotRows(db.dataSource, UPDATE_RETURNING, [5, [3]])).toEqual([{ id: 3, n: 6 }]);
    expect(await preparedNames(db)).toEqual(['argus_test_bump']);
  });

  it('prepares nothing when the configuration says so (embedded PGlite, a transaction pooler)', async () => {
    const db = await open(false);
    expect(await hotRows(db.dataSource, UPDATE_RETURNING, [2, [2]])).toEqual([{ id: 2, n: 2 }]);
    expect(await preparedNames(db)).toEqual([]);
  });

  it('runs on the transaction’s connection inside one, so a rollback undoes it', async () => {
    const db = await open(true);
    await expect(
      db.dataSource.transaction(async (tx) => {
        expect(await hotRows(tx, UPDATE_RETURNING, [7, [1]])).toEqual([{ id: 1, n: 7 }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await db.dataSource.query(`SELECT n FROM counter WHERE id = 1`)).toEqual([{ n: 0 }]);
  });
});
