import { z } from 'zod';
import { type ConfigProblem, ConfigValidationError } from './config-validation.error';

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * A part of the configuration that an adapter library parses itself (`kafkaConfigFromEnv`,
 * `s3ConfigFromEnv`, …): a function of the environment that throws when a variable is bad.
 */
export type ConfigSection = (env: Environment) => unknown;
export type ConfigSections = Readonly<Record<string, ConfigSection>>;

export type LoadedConfig<S extends z.ZodType, X extends ConfigSections> = z.output<S> & {
  readonly [K in keyof X]: ReturnType<X[K]>;
};

/**
 * Parses the environment with a zod schema whose keys are the variable names, plus any adapter
 * sections (their results under the section's name). An empty variable counts as unset for the
 * schema (so its default applies, or it is reported missing). Throws a {@link ConfigValidationError}
 * naming every bad variable the schema found and the problem of every failing section; messages
 * never include the schema's values.
 */
export function parseConfig<S extends z.ZodType, X extends ConfigSections = Record<never, ConfigSection>>(
  schema: S,
  env: Environment = process.env,
  sections?: X,
): LoadedConfig<S, X> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') present[name] = value;
  }
  const problems: ConfigProblem[] = [];

  const result = schema.safeParse(present);
  if (!result.success) {
    const byVariable = new Map<string, string[]>();
    for (const issue of result.error.issues) {
      const variable = issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)';
      const rootName = issue.path[0];
      const missing = typeof rootName === 'string' && present[rootName] === undefined && issue.code === 'invalid_type';
      byVariable.set(variable, [...(byVariable.get(variable) ?? []), missing ? 'is not set' : issue.message]);
    }
    for (const [variable, messages] of byVariable) problems.push({ variable, problem: messages.join(', ') });
  }

  const parsedSections: Record<string, unknown> = {};
  for (const [name, parse] of Object.entries(sections ?? {})) {
    try {
      parsedSections[name] = parse(env);
    } catch (error) {
      problems.push(sectionProblem(name, error));
    }
  }

  if (problems.length > 0) throw new ConfigValidationError(problems);
  return Object.assign({}, result.data as object, parsedSections) as LoadedConfig<S, X>;
}

/** Adapter errors name their variable in a `variable` property or at the start of the message. */
function sectionProblem(section: string, error: unknown): ConfigProblem {
  const message = error instanceof Error ? error.message : String(error);
  const declared = (error as { variable?: unknown } | null)?.variable;
  if (typeof declared === 'string' && declared) {
    return { variable: declared, problem: message.startsWith(declared) ? message.slice(declared.length).trim() : message };
  }
  const named = /^([A-Z][A-Z0-9_]{2,})\b\s*:?\s*(.*)$/.exec(message);
  if (named?.[1]) return { variable: named[1], problem: named[2] || message };
  return { variable: `(${section})`, problem: message };
}

export interface LoadConfigOptions<X extends ConfigSections> {
  /** Adapter-parsed parts of the configuration, e.g. `{ kafka: kafkaConfigFromEnv }`. */
  readonly sections?: X;
  /** Where the fatal line goes; stderr by default. */
  readonly write?: (line: string) => void;
  /** How the process stops; `process.exit` by default. */
  readonly exit?: (code: number) => never;
}

/** sysexits.h EX_CONFIG: the process was started with a bad configuration. */
export const CONFIG_ERROR_EXIT_CODE = 78;

/**
 * Parses the configuration once at start-up. On a bad environment it writes one JSON line naming
 * every bad variable and stops the process with exit code 78 (EX_CONFIG).
 */
export function loadConfig<S extends z.ZodType, X extends ConfigSections = Record<never, ConfigSection>>(
  schema: S,
  env: Environment = process.env,
  options: LoadConfigOptions<X> = {},
): LoadedConfig<S, X> {
  try {
    return parseConfig(schema, env, options.sections);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    const write = options.write ?? ((line: string) => process.stderr.write(line));
    const exit = options.exit ?? ((code: number) => process.exit(code));
    write(
      JSON.stringify({
        level: 'fatal',
        time: new Date().toISOString(),
        msg: error.message,
        invalidVariables: error.problems,
      }) + '\n',
    );
    return exit(CONFIG_ERROR_EXIT_CODE);
  }
}
