import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { cpuSecondsOfTree } from './proc-cpu.reader';
import { REPO_ROOT } from './service-process.harness';

// infra/local for the benchmarks: its addresses, starting it when it is not running, the server pids.

/** Runs `infra/local/infra.sh` with these arguments; its stderr goes to ours (progress, errors). */
export function infraScript(args: readonly string[]): { status: number; stdout: string } {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'infra/local/infra.sh'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { status: r.status ?? 1, stdout: r.stdout ?? '' };
}

/**
 * Puts infra/local's addresses into process.env (as `npm test` reads them; variables already set
 * win) and starts it if it is not running. Returns whether it was running, so that the caller
 * stops only what it started (`stopLocalInfra`).
 */
export function useLocalInfra(progress: (line: string) => void): { wasRunning: boolean } {
  for (const m of infraScript(['env']).stdout.matchAll(/^export (ARGUS_[A-Z0-9_]+)='([^']*)'$/gm)) process.env[m[1] as string] ??= m[2];
  const wasRunning = infraScript(['status', '--quiet']).status === 0;
  if (!wasRunning) {
    progress('infra/local is not running: starting it (it will be stopped at the end)');
    if (infraScript(['up']).status !== 0) throw new Error('infra/local did not start');
  }
  return { wasRunning };
}

/** Stops infra/local if `useLocalInfra` started it. */
export function stopLocalInfra(started: { wasRunning: boolean }, progress: (line: string) => void): void {
  if (started.wasRunning) return;
  progress('stopping the infra/local this run started');
  infraScript(['down']);
}

/** The infra/local server pids from its pid files (Postgres: the postmaster), for CPU accounting. */
export function infraPids(): Record<'kafka' | 's3proxy' | 'postgres', number | undefined> {
  const read = (name: string) => {
    try {
      const pid = Number(readFileSync(path.join(REPO_ROOT, '.infra/run', `${name}.pid`), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  return { kafka: read('kafka'), s3proxy: read('s3proxy'), postgres: read('postgres') };
}

/** CPU seconds used so far by Kafka, S3Proxy and Postgres (with its backends); undefined where unreadable. */
export function infraCpuSeconds(pids: ReturnType<typeof infraPids>): Record<'kafka' | 's3proxy' | 'postgres', number | undefined> {
  return { kafka: cpuSecondsOfTree(pids.kafka), s3proxy: cpuSecondsOfTree(pids.s3proxy), postgres: cpuSecondsOfTree(pids.postgres) };
}
