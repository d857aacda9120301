import { UsageError } from './cli-args.parser';
import type { CliCommand } from './commands/command';
import { readArgusVersion, type CliContext } from './commands/cli-context';
import { benchCommand } from './commands/bench.command';
import { detectCommand } from './commands/detect.command';
import { evalCommand } from './commands/eval.command';
import { exportCommand } from './commands/export.command';
import { finetuneCommand } from './commands/finetune.command';
import { adaptCommand } from './commands/adapt.command';
import { metaTrainCommand } from './commands/meta-train.command';
import { searchCommand } from './commands/search.command';
import { trainCommand } from './commands/train.command';

export const COMMANDS: readonly CliCommand[] = [
  trainCommand,
  finetuneCommand,
  adaptCommand,
  metaTrainCommand,
  evalCommand,
  exportCommand,
  detectCommand,
  benchCommand,
  searchCommand,
];

export function formatUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    'argus — train, evaluate, export, run and benchmark Argus inspection detectors',
    '',
    'Usage: argus <command> [options]      (argus <command> --help for its options)',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.summary}`),
    '',
  ].join('\n');
}

/** Errors that carry a code are expected failures (bad input, missing files): one line, no stack. */
function isDomainError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * Runs `argus <command> …`: resolves the exit code (0 ok, 1 failure, 2 usage error, 130 interrupted).
 * Usage errors print the message and a pointer to --help; domain errors their message; anything
 * else its stack.
 */
export async function runCli(
  argv: readonly string[],
  io: { out: (line: string) => void; err: (line: string) => void; argusVersion?: string; installSignalHandlers?: boolean },
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(formatUsage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out(io.argusVersion ?? readArgusVersion());
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (command === undefined) {
    io.err(`argus: unknown command "${name}"\n\n${formatUsage()}`);
    return 2;
  }
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.err(`argus ${name}: stopping at the next step (Ctrl-C again to quit now)`);
  };
  const handleSignals = (io.installSignalHandlers ?? true) && command.interruptible === true;
  if (handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const context: CliContext = {
    out: io.out,
    err: io.err,
    argusVersion: io.argusVersion ?? readArgusVersion(),
    commandLine: argv,
    interrupted: () => interrupted,
  };
  try {
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`argus ${name}: ${error.message}\nSee: argus ${name} --help`);
      return 2;
    }
    if (isDomainError(error)) {
      io.err(`argus ${name}: ${error.message}`);
      return 1;
    }
    io.err(`argus ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    if (handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
