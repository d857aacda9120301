import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** What a command needs from its surroundings: output streams and the argus version (injected in tests). */
export interface CliContext {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly argusVersion: string;
  /** The command line as typed, for recording in model metadata. */
  readonly commandLine: readonly string[];
  /** Ctrl-C requested (long commands stop cleanly at the next step). */
  readonly interrupted: () => boolean;
}

/** The root package's version (the `argus` package). */
export function readArgusVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
