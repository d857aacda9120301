import { inspect } from 'node:util';
import { z } from 'zod';

const REDACTED = '***';

/**
 * A configuration value that must never reach a log line, an error message or a JSON body.
 * `String(secret)`, `JSON.stringify(secret)` and `util.inspect(secret)` all print `***`; only
 * `reveal()` returns the value, and it is called where the value is handed to a client library.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}

/**
 * Zod schema for a secret environment variable: validated as a string (by default non-empty, or
 * by the schema given), then wrapped in a {@link Secret}. Validation messages never quote the value.
 * Marked `secret` in its metadata, so the generated configuration tables say so.
 */
export function secret(base: z.ZodType<string> = z.string().min(1)): z.ZodType<Secret> {
  return base.transform((value) => new Secret(value)).meta({ secret: true });
}
