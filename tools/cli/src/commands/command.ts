import type { CommandSpec } from '../cli-args.parser';
import type { CliContext } from './cli-context';

/** One `argus <name>` command: its option spec (for parsing and --help) and what it does. */
export interface CliCommand {
  readonly spec: CommandSpec;
  /** Long-running: the first Ctrl-C asks it to stop cleanly (checkpoint), the second quits. */
  readonly interruptible?: boolean;
  /** Runs with raw arguments (after the command name); resolves to the exit code. */
  run(argv: readonly string[], context: CliContext): Promise<number>;
}
