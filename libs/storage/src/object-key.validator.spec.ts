import { ObjectKeySchema } from '@argus/contracts';
import { MAX_OBJECT_KEY_BYTES, validateObjectKey, validateObjectKeyPrefix } from './object-key.validator';
import { InvalidObjectKeyError } from './object-store.errors';
import { INVALID_KEYS } from './object-store.contract';

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidObjectKeyError);
    return (error as InvalidObjectKeyError).problem;
  }
  throw new Error('expected an InvalidObjectKeyError');
}

describe('validateObjectKey', () => {
  it.each([
    'line-1/cam-top/2026/11/28/0b6f.jpg',
    'models/detector/v3/model.onnx',
    'a',
    '.hidden/file',
    'line-1/caméra/画像.png',
    'x'.repeat(MAX_OBJECT_KEY_BYTES),
  ])('accepts %s', (key) => {
    expect(validateObjectKey(key)).toBe(key);
    // Never looser than the event contract: a valid key here is a valid key in an event.
    expect(ObjectKeySchema.safeParse(key).success).toBe(true);
  });

  it.each(INVALID_KEYS)('refuses %s', (_what, key) => {
    expect(() => validateObjectKey(key)).toThrow(InvalidObjectKeyError);
  });

  it('names the problem', () => {
    expect(problemOf(() => validateObjectKey('a/../b'))).toBe('must not contain ".." segments');
    expect(problemOf(() => validateObjectKey('/a'))).toBe('must be relative, not start with "/"');
    expect(problemOf(() => validateObjectKey('a\\b'))).toBe('must not contain a backslash');
    expect(problemOf(() => validateObjectKey('a\u0007b'))).toBe('must not contain control characters (found U+0007 at index 1)');
    expect(problemOf(() => validateObjectKey('a/'))).toBe('must not end with "/"');
    expect(problemOf(() => validateObjectKey('a//b'))).toBe('must not contain empty segments ("//")');
    expect(problemOf(() => validateObjectKey('é'.repeat(513)))).toBe('must be at most 1024 bytes of UTF-8, is 1026');
    expect(problemOf(() => validateObjectKey('a\ud800b'))).toBe('must be well-formed Unicode (found a lone surrogate)');
    expect(problemOf(() => validateObjectKey(42))).toBe('must be a string, got number');
    expect(() => validateObjectKey('a/../b')).toThrow('invalid object key "a/../b": must not contain ".." segments');
  });

  it('refuses C1 control characters and DEL, not only C0', () => {
    expect(() => validateObjectKey('a\u007fb')).toThrow(InvalidObjectKeyError);
    expect(() => validateObjectKey('a\u0085b')).toThrow(InvalidObjectKeyError);
  });

  it('carries a code for error mapping', () => {
    expect(() => validateObjectKey('')).toThrow(expect.objectContaining({ code: 'object-store.invalid-key' }));
  });
});

describe('validateObjectKeyPrefix', () => {
  it.each(['', 'line-1/', 'line-1/ca', 'line-1/cam-top/2026/'])('accepts %j', (prefix) => {
    expect(validateObjectKeyPrefix(prefix)).toBe(prefix);
  });

  it.each(['../', 'a/../', '/abs', 'a//', 'a\\b', 'a\u0000'])('refuses %j', (prefix) => {
    expect(() => validateObjectKeyPrefix(prefix)).toThrow(InvalidObjectKeyError);
  });
});
