import { databaseConfigFromEnv } from './database.config';
import { runMigrations } from './migrations.runner';
import { createThrowawayDatabase } from './throwaway-database.helper';

it('probe', async () => {
  const db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
  try {
    console.log(await runMigrations(db.dataSource));
    const sql = await db.dataSource.driver.createSchemaBuilder().log();
    console.log(sql.upQueries.map((q) => q.query).join('\n'));
  } finally {
    await db.drop();
  }
});
