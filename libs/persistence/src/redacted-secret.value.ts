import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret that cannot be logged by accident: `String()`, `JSON.stringify`, `util.inspect`
 * (console.log, pino) all print "[redacted]". Only `reveal()` gives the value, at the one place
 * that hands it to a client library.
 */
export class RedactedSecret {
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
    return REDACTED;
  }
}
