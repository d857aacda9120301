// Seeds the demo plant: `node -r @swc-node/register services/embedded/src/seed/run-seed.ts`
// (SWC_NODE_PROJECT=tsconfig.json). Reads ARGUS_DATABASE_URL and ARGUS_S3_*; applies pending
// migrations first; safe to run again.
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { createDataSource, databaseConfigFromEnv, runMigrations } from '@argus/persistence';
import { seedDemo } from './demo-seed';
import { renderDemoTemplates } from './demo-templates.renderer';

async function main(): Promise<void> {
  const dataSource = createDataSource(databaseConfigFromEnv(process.env, 'argus-seed'));
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    if (applied.length > 0) console.log(`applied migrations: ${applied.join(', ')}`);
    const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
    await store.ensureBucket();
    const report = await seedDemo(dataSource, { store, templates: await renderDemoTemplates() });
    for (const line of report.lines) {
      console.log(
        `seeded line ${line.id}: cameras ${line.cameras.join(', ')}; ${line.rules} alert rules; template ${line.templateKey ?? 'none'}`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`demo seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
