import { parseArgs } from 'node:util';

/** One option of a command, as its --help shows it and the parser reads it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly description: string;
  /** Shown in --help after the name: `--epochs N`. */
  readonly valueName?: string;
  readonly required?: boolean;
  readonly default?: string | boolean;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly examples?: readonly string[];
}

/** A wrong command line: the message says what and how to fix it; the CLI exits with 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

/** `--help` text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const left = `  --${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`;
    const notes = [
      o.required ? 'required' : undefined,
      o.default !== undefined && o.default !== false ? `default ${String(o.default)}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    return [left, `${o.description}${notes ? ` (${notes})` : ''}`] as const;
  });
  rows.push(['  --help', 'show this help']);
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines = rows.map(([l, r]) => (l.length + 2 > width ? `${l}\n${' '.repeat(width)}${r}` : `${l.padEnd(width)}${r}`));
  return [
    `argus ${spec.name} — ${spec.summary}`,
    '',
    `Usage: ${spec.usage}`,
    '',
    'Options:',
    ...lines,
    ...(spec.examples && spec.examples.length > 0 ? ['', 'Examples:', ...spec.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

/**
 * Parses a command's arguments with node:util parseArgs (strict: unknown options, missing values
 * and stray positionals are errors that name the option), then checks required options.
 * Returns undefined when --help was asked for.
 */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedOptions | undefined {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, o] of Object.entries(spec.options)) options[name] = { type: o.type };
  let values: ParsedOptions;
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    values = parsed.values as ParsedOptions;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(describeParseError(message), spec.name);
  }
  if (values['help'] === true) return undefined;
  for (const [name, o] of Object.entries(spec.options)) {
    if (values[name] === undefined && o.default !== undefined) values[name] = o.default;
    if (o.required && (values[name] === undefined || values[name] === '')) {
      throw new UsageError(`--${name} is required (${o.description})`, spec.name);
    }
  }
  return values;
}

function describeParseError(message: string): string {
  // parseArgs' messages are good but long-winded; keep their first sentence and the option name.
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1]?.replace(/^-., /, '')} needs a value`;
  const positional = /Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}' (options take the form --name value)`;
  return message.split('\n')[0] ?? message;
}

export function stringOption(values: ParsedOptions, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A comma-separated option as its trimmed, non-empty items; undefined when it is not given. */
export function listOption(values: ParsedOptions, name: string): string[] | undefined {
  const text = stringOption(values, name);
  return text === undefined
    ? undefined
    : text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
}

export function requiredString(values: ParsedOptions, name: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** A number option, checked: `--epochs abc` → "--epochs must be a number, got abc". */
export function numberOption(
  values: ParsedOptions,
  name: string,
  check: { integer?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  if (check.integer && !Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number, got ${raw}`);
  if (check.min !== undefined && value < check.min) throw new UsageError(`--${name} must be at least ${check.min}, got ${raw}`);
  if (check.max !== undefined && value > check.max) throw new UsageError(`--${name} must be at most ${check.max}, got ${raw}`);
  return value;
}

export function choiceOption<T extends string>(values: ParsedOptions, name: string, choices: readonly T[]): T | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw as T;
}

/** `160` or `160x128` (width × height). */
export function sizeOption(values: ParsedOptions, name: string): { width: number; height: number } | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const match = /^(\d+)(?:x(\d+))?$/.exec(raw);
  if (!match) throw new UsageError(`--${name} must be N or WxH in pixels, got "${raw}"`);
  const width = Number(match[1]);
  const height = Number(match[2] ?? match[1]);
  if (width < 16 || height < 16) throw new UsageError(`--${name} must be at least 16 pixels a side, got "${raw}"`);
  return { width, height };
}

/** Quotes an argument for a copy-pasteable shell command line. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
