import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Tried first when the data folder remembers no port, so a new data folder gets the same address on every machine it can. */
export const DEFAULT_EMBEDDED_PG_PORT = 54320;

const PORT_FILE = 'postgres.port';

/**
 * The ports the embedded Postgres may listen on, in order. ARGUS_EMBEDDED_PG_PORT, when set, is the
 * only one (0: any free port; a busy one stops the start, as asked). Otherwise the port of the
 * last start (kept in the data folder), then DEFAULT_EMBEDDED_PG_PORT, then any free port: the
 * printed postgres:// URL stays the same from one start to the next unless its port is taken.
 */
export async function embeddedPostgresPorts(configured: number | undefined, dataDir: string): Promise<number[]> {
  if (configured !== undefined) return [configured];
  const remembered = Number((await readFile(path.join(dataDir, PORT_FILE), 'utf8').catch(() => '')).trim());
  const ports = Number.isInteger(remembered) && remembered > 0 && remembered <= 65535 ? [remembered] : [];
  if (!ports.includes(DEFAULT_EMBEDDED_PG_PORT)) ports.push(DEFAULT_EMBEDDED_PG_PORT);
  return [...ports, 0];
}

/** Keeps the port this start got, for the next start to try first. */
export async function rememberEmbeddedPostgresPort(dataDir: string, port: number): Promise<void> {
  await writeFile(path.join(dataDir, PORT_FILE), `${port}\n`);
}
