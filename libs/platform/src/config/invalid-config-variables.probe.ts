import type { Environment, LoadConfigOptions } from './config.loader';

/** A `loadConfig`-based loader, such as a service's `load<Name>Config(env, options)`. */
export type ConfigLoader = (env: Environment, options: Pick<LoadConfigOptions<never>, 'write' | 'exit'>) => unknown;

class ConfigRefused extends Error {}

/**
 * The variables `load` finds bad in `env`, sorted (`[]` when it accepts `env`): runs the loader
 * with its fatal line captured and its exit turned into a throw, so a test (or a `--check-config`
 * command) can ask what a service requires without stopping the process.
 */
export function invalidConfigVariables(load: ConfigLoader, env: Environment): string[] {
  const lines: string[] = [];
  try {
    load(env, {
      write: (line) => void lines.push(line),
      exit: () => {
        throw new ConfigRefused();
      },
    });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    const { invalidVariables } = JSON.parse(lines[0] ?? '{}') as { invalidVariables?: { variable: string }[] };
    return (invalidVariables ?? []).map((problem) => problem.variable).sort();
  }
}
