/**
 * Migrations as their own command (services never migrate on start):
 *
 *   node -r @swc-node/register libs/persistence/src/migrate.ts up       apply every pending migration
 *   node -r @swc-node/register libs/persistence/src/migrate.ts down     revert the last applied one
 *   node -r @swc-node/register libs/persistence/src/migrate.ts down --all
 *   node -r @swc-node/register libs/persistence/src/migrate.ts status
 *
 * Reads ARGUS_DATABASE_URL. Exit code 0 on success, 1 on failure, 2 on bad usage.
 */
import { databaseConfigFromEnv } from './database.config';
import { createDataSource } from './data-source.factory';
import { migrationStatus, revertAllMigrations, revertLastMigration, runMigrations } from './migrations.runner';

const USAGE = 'usage: migrate.ts up | down [--all] | status';

export async function migrateCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void,
): Promise<number> {
  const [command, ...rest] = args;
  if (!['up', 'down', 'status'].includes(command ?? '') || rest.some((a) => a !== '--all') || (rest.length > 0 && command !== 'down')) {
    out(USAGE);
    return 2;
  }
  const dataSource = createDataSource(databaseConfigFromEnv(env, 'argus-migrate'));
  await dataSource.initialize();
  try {
    if (command === 'up') {
      const applied = await runMigrations(dataSource);
      out(applied.length === 0 ? 'no pending migrations' : applied.map((name) => `applied ${name}`).join('\n'));
    } else if (command === 'down') {
      const reverted = rest.includes('--all')
        ? await revertAllMigrations(dataSource)
        : [await revertLastMigration(dataSource)].filter((name): name is string => name !== null);
      out(reverted.length === 0 ? 'no applied migrations' : reverted.map((name) => `reverted ${name}`).join('\n'));
    } else {
      const status = await migrationStatus(dataSource);
      for (const name of status.applied) out(`applied  ${name}`);
      for (const name of status.pending) out(`pending  ${name}`);
    }
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  migrateCommand(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
