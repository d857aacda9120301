import { z } from 'zod';

/**
 * What a configuration variable's zod field may say about itself in `.meta({...})`, besides
 * `description` (what it means, read by people): `secret` (never logged; `secret()` sets it) and
 * `defaultText` (the default as people should read it, where the schema computes one per machine,
 * e.g. a path under the OS temp folder).
 */
export interface EnvFieldMeta {
  readonly description?: string;
  readonly secret?: boolean;
  readonly defaultText?: string;
}

/** One variable as the README tables show it. */
export interface EnvVariableDoc {
  readonly name: string;
  readonly description: string;
  /** The default as text; undefined when there is none. */
  readonly default: string | undefined;
  /** The process refuses to start without it. */
  readonly required: boolean;
  readonly secret: boolean;
}

/** The parts of zod's internal definition the walk below reads. */
interface FieldDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly defaultValue?: unknown;
}

const defOf = (schema: z.ZodType): FieldDef => (schema as unknown as { _zod: { def: FieldDef } })._zod.def;

/**
 * Reads a variable's field: its metadata (the outermost wins), its default (`.default` and
 * `.prefault`), and whether it may be left unset. Walks through wrappers (optional, default,
 * prefault, pipe, transform) to the base type.
 */
export function describeEnvField(name: string, field: z.ZodType): EnvVariableDoc {
  const meta: EnvFieldMeta = {};
  let optional = false;
  let defaultValue: unknown;
  for (let current: z.ZodType | undefined = field; current;) {
    const own = z.globalRegistry.get(current) as EnvFieldMeta | undefined;
    for (const [key, value] of Object.entries(own ?? {})) {
      if (!(key in meta)) (meta as Record<string, unknown>)[key] = value;
    }
    const def = defOf(current);
    if (def.type === 'optional') optional = true;
    if ((def.type === 'default' || def.type === 'prefault') && defaultValue === undefined) defaultValue = def.defaultValue;
    current = def.innerType ?? def.in;
  }
  if (!meta.description?.trim()) {
    throw new Error(`${name} has no description: give its zod field .meta({ description: '...' })`);
  }
  const shown = meta.defaultText ?? (defaultValue === undefined ? undefined : String(defaultValue));
  return {
    name,
    description: meta.description.trim(),
    default: shown,
    required: !optional && shown === undefined,
    secret: meta.secret === true,
  };
}

/** Every variable of an environment schema (a zod object whose keys are the variable names), in its order. */
export function describeEnvSchema(schema: z.ZodObject): EnvVariableDoc[] {
  return Object.entries(schema.shape).map(([name, field]) => describeEnvField(name, field as z.ZodType));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/**
 * A Markdown table of variables: name (secrets marked), default (required ones marked), meaning.
 * Deterministic, so a README holding it can be compared with a fresh rendering.
 */
export function renderEnvTable(variables: readonly EnvVariableDoc[]): string {
  const rows = variables.map((v) => {
    const name = `\`${v.name}\`${v.secret ? ' (secret)' : ''}`;
    const fallback = v.required ? '**required**' : v.default === undefined ? 'unset' : `\`${cell(v.default)}\``;
    return `| ${name} | ${fallback} | ${cell(v.description)} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/**
 * The variables a parser reads (an adapter's `...ConfigFromEnv`), sorted: runs it on `env` behind a
 * proxy that records every name looked up. A unit test compares them with the variables its
 * documentation schema lists, so the generated table cannot miss one.
 */
export function variablesReadBy(
  parse: (env: Readonly<Record<string, string | undefined>>) => unknown,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  parse(recording);
  return [...read].sort();
}
