/** The flag readers the vision benchmarks share (`--name VALUE` and comma-separated choices). */
export interface BenchFlags {
  /** The value after `--name`, or undefined when the flag is absent. */
  value(name: string): string | undefined;
  /** `--name a,b`: each item one of `all` (every one of them when the flag is absent); anything else is an error naming the choices. */
  list<T extends string>(name: string, all: readonly T[]): T[];
  /** `--name N`: a whole number ≥ min (fallback when absent); anything else is an error. */
  whole(name: string, fallback: number, min: number): number;
}

export function benchFlags(argv: readonly string[]): BenchFlags {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    value,
    list<T extends string>(name: string, all: readonly T[]): T[] {
      const text = value(name);
      if (text === undefined) return [...all];
      const items = text.split(',') as T[];
      const unknown = items.filter((i) => !all.includes(i));
      if (unknown.length > 0) throw new Error(`--${name}: unknown ${unknown.join(', ')} (use ${all.join(', ')})`);
      return items;
    },
    whole(name: string, fallback: number, min: number): number {
      const n = Number(value(name) ?? fallback);
      if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes a whole number ≥ ${min}`);
      return n;
    },
  };
}
