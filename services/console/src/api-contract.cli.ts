/**
 * Writes the console's API contract: services/console/openapi.json (the OpenAPI document the
 * console serves at /api/openapi.json) and the web UI's types generated from it
 * (web/src/api/console-api.generated.ts). `--check` writes nothing and exits 1 when either
 * committed file differs from what the code generates.
 *
 *   npm run api:generate -w @argus/console [-- --check]
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { buildConsoleOpenApiDocument } from './app/api-contract.document';
import { API_CONTRACT_FILES, API_GENERATE_COMMAND, renderApiContract } from './app/api-contract.renderer';

const REPO_DIR = path.resolve(__dirname, '../../..');

async function main(check: boolean): Promise<number> {
  const rendered = await renderApiContract(await buildConsoleOpenApiDocument());
  const stale: string[] = [];
  for (const key of ['document', 'webTypes'] as const) {
    const file = API_CONTRACT_FILES[key];
    const committed = await readFile(file, 'utf8').catch(() => null);
    if (committed === rendered[key]) continue;
    stale.push(path.relative(REPO_DIR, file));
    if (!check) await writeFile(file, rendered[key]);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`the console's API contract is out of date (${stale.join(', ')}): run ${API_GENERATE_COMMAND}\n`);
    return 1;
  }
  process.stdout.write(stale.length > 0 ? `wrote ${stale.join(', ')}\n` : 'the API contract is up to date\n');
  return 0;
}

main(process.argv.includes('--check')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
