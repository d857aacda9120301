import { runCli } from '../cli.runner';

/** Runs `argus …` in-process, as a test drives it: exit code and what it wrote, no signal handlers. */
export async function runArgus(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), argusVersion: 'it', installSignalHandlers: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
