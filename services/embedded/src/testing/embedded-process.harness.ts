import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');

/** Variables that would point the embedded mode at real infrastructure or fix its ports: unset for a zero-infrastructure run. */
const INFRA_VARIABLES = [
  'ARGUS_KAFKA_BROKERS',
  'ARGUS_S3_ENDPOINT',
  'ARGUS_DATABASE_URL',
  'ARGUS_INGEST_SOURCES',
  'ARGUS_CAMERA_TOKEN',
  'PORT',
  'ARGUS_CONSOLE_ADMIN_USERNAME',
  'ARGUS_CONSOLE_ADMIN_PASSWORD',
];

export interface EmbeddedRun {
  readonly child: ChildProcess;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Throws, with what the process wrote, once it has exited. */
  readonly alive: () => void;
}

/**
 * For integration tests: `npm start` as a user runs it, as a child process with no infrastructure
 * configured (in-memory bus, filesystem store, PGlite), its data under `dataDir/data`, no shipped
 * models (the untrained placeholders, whatever models/ holds), a fast status line; `env` adds the
 * test's own settings. What it writes goes to `output`.
 */
export function launchEmbedded(
  dataDir: string,
  env: Readonly<Record<string, string>>,
  output: { readonly stdout: (text: string) => void; readonly stderr: (text: string) => void; readonly transcript: () => string },
): EmbeddedRun {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INFRA_VARIABLES) delete childEnv[name];
  Object.assign(childEnv, {
    SWC_NODE_PROJECT: 'tsconfig.json',
    ARGUS_DATA_DIR: path.join(dataDir, 'data'),
    ARGUS_MODELS_DIR: path.join(dataDir, 'no-shipped-models'),
    PORT: '0',
    ARGUS_STATUS_INTERVAL_MS: '250',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/embedded/src/main.ts'], {
    cwd: repoRoot,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.stdout(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.stderr(chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const alive = () => {
    if (child.exitCode !== null) throw new Error(`embedded mode exited with ${child.exitCode}:\n${output.transcript()}`);
  };
  return { child, exited, alive };
}

/** Kills a run the test left going (a failed test). */
export async function killEmbedded(child: ChildProcess | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}
