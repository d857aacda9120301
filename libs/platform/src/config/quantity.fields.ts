import { z } from 'zod';

/** Words that mean "no limit" for a duration or a size: the setting is off. */
const UNLIMITED = new Set(['never', 'none', 'off', 'unlimited']);

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const BYTES = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?$/i;
const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * A duration written for people: `90s`, `10m`, `36h`, `7d`, `2w` (or `250ms`), in milliseconds;
 * `never`/`none`/`off` give null (no limit). Throws a RangeError saying what it expected.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (UNLIMITED.has(trimmed.toLowerCase())) return null;
  const match = DURATION.exec(trimmed);
  if (!match) throw new RangeError(`"${text}" is not a duration: write it like 90s, 10m, 36h, 7d, 2w, or never`);
  return Math.round(Number(match[1]) * (DURATION_MS[(match[2] ?? 's').toLowerCase()] ?? 1));
}

/**
 * A size in bytes: `500000`, `512MiB`, `1.5GB`, `2GiB` (SI and binary units, case-insensitive);
 * `none`/`off`/`unlimited` give null (no limit). Throws a RangeError saying what it expected.
 */
export function parseByteSize(text: string): number | null {
  const trimmed = text.trim();
  if (UNLIMITED.has(trimmed.toLowerCase())) return null;
  const match = BYTES.exec(trimmed);
  if (!match) throw new RangeError(`"${text}" is not a size: write it like 500000, 512MiB, 2GB, or none`);
  return Math.round(Number(match[1]) * (BYTE_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1));
}

/** A zod field of `parse` (parseDuration, parseByteSize) over text, its issue the parser's message. */
function quantityField(parse: (text: string) => number | null) {
  return z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

/** An environment variable holding a duration (`7d`, `never`): milliseconds, or null for no limit. The default is text, parsed like a value. */
export function durationField(defaultText: string) {
  return quantityField(parseDuration).prefault(defaultText);
}

/** An environment variable holding a size (`512MiB`, `none`): bytes, or null for no limit. */
export function byteSizeField(defaultText: string) {
  return quantityField(parseByteSize).prefault(defaultText);
}
