import { ObjectKeySchema } from '@argus/contracts';
import { InvalidObjectKeyError } from './object-store.errors';

/** S3 limits keys to 1024 bytes of UTF-8 (not characters). */
export const MAX_OBJECT_KEY_BYTES = 1024;

// C0 controls, DEL and C1 controls. Written with escapes so the source stays printable.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;
/** In a `u` regex a valid surrogate pair is one code point, so this matches only lone halves. */
const LONE_SURROGATE = /\p{Cs}/u;
const WINDOWS_DRIVE = /^[A-Za-z]:/;

/**
 * Throws `InvalidObjectKeyError` naming the first broken rule, or returns the key unchanged.
 *
 * Extends the contracts' `ObjectKeySchema` (non-empty, relative, no ".." segment) with the rules
 * an adapter needs to be safe on S3 and on a filesystem alike: at most 1024 UTF-8 bytes, no
 * backslash, no control characters, no lone surrogate, no drive letter, and canonical segments
 * (no empty, "." or ".." segment, so "a//b", "a/./b" and "a/" are refused rather than silently
 * meaning a different file on disk than in a bucket).
 */
export function validateObjectKey(key: unknown): string {
  if (typeof key !== 'string') {
    throw new InvalidObjectKeyError(String(key), `must be a string, got ${typeof key}`);
  }
  const problem =
    firstCharacterProblem(key) ?? (key.endsWith('/') ? 'must not end with "/"' : undefined) ?? firstSegmentProblem(key.split('/'));
  if (problem) throw new InvalidObjectKeyError(key, problem);
  const contract = ObjectKeySchema.safeParse(key);
  if (!contract.success) {
    throw new InvalidObjectKeyError(key, contract.error.issues.map((i) => i.message).join('; '));
  }
  return key;
}

/**
 * A listing prefix: empty (everything) or the start of a key. Complete segments obey the key
 * rules; the last, partial one may be empty (a trailing "/") or a fragment ("line-1/ca").
 */
export function validateObjectKeyPrefix(prefix: unknown): string {
  if (typeof prefix !== 'string') {
    throw new InvalidObjectKeyError(String(prefix), `prefix must be a string, got ${typeof prefix}`);
  }
  if (prefix === '') return prefix;
  const segments = prefix.split('/');
  const problem = firstCharacterProblem(prefix) ?? firstSegmentProblem(segments.slice(0, -1));
  if (problem) throw new InvalidObjectKeyError(prefix, `as a prefix: ${problem}`);
  return prefix;
}

function firstCharacterProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_OBJECT_KEY_BYTES) return `must be at most ${MAX_OBJECT_KEY_BYTES} bytes of UTF-8, is ${bytes}`;
  if (key.startsWith('/')) return 'must be relative, not start with "/"';
  if (WINDOWS_DRIVE.test(key)) return 'must be relative, not start with a drive letter';
  if (key.includes('\\')) return 'must not contain a backslash';
  const control = CONTROL_CHARACTER.exec(key);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    return `must not contain control characters (found U+${code} at index ${control.index})`;
  }
  if (LONE_SURROGATE.test(key)) return 'must be well-formed Unicode (found a lone surrogate)';
  return undefined;
}

function firstSegmentProblem(segments: readonly string[]): string | undefined {
  for (const segment of segments) {
    if (segment === '..') return 'must not contain ".." segments';
    if (segment === '.') return 'must not contain "." segments';
    if (segment === '') return 'must not contain empty segments ("//")';
  }
  return undefined;
}
