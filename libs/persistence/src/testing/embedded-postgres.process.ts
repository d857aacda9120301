import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** A running `embedded-postgres.server.ts <dataDir>` process and the URL it printed. */
export interface EmbeddedPostgresProcess {
  readonly url: string;
  /** SIGTERM, then its exit code (the code it already exited with, if it has). */
  stop(): Promise<number | null>;
}

/**
 * Starts the embedded Postgres (PGlite over a socket) as its own process, for tests: PGlite's
 * dynamic imports do not run inside Jest's VM. Resolves with the URL the server prints once it
 * listens; rejects, with its stderr, if it exits first or prints nothing within 30 s.
 */
export async function startEmbeddedPostgresProcess(dataDir: string): Promise<EmbeddedPostgresProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'libs/persistence/src/embedded-postgres.server.ts', dataDir],
    {
      cwd: repoRoot,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
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
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}
