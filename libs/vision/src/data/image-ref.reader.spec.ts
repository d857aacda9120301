import * as path from 'node:path';
import { describeImageRef, readImageRef } from './image-ref.reader';

describe('readImageRef', () => {
  it('returns in-memory bytes as they are and reads files', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(await readImageRef({ kind: 'encoded', bytes, format: 'png' })).toBe(bytes);
    const file = path.resolve(__dirname, '../../test-fixtures/deeppcb-mini/trainval.txt');
    expect((await readImageRef({ kind: 'file', path: file })).length).toBeGreaterThan(10);
  });

  it('reads object keys through the given reader, and says when there is none', async () => {
    const calls: string[] = [];
    const reader = {
      getObjectBytes: async (key: string) => {
        calls.push(key);
        return new Uint8Array([9]);
      },
    };
    expect(Array.from(await readImageRef({ kind: 'object', key: 'frames/a.jpg' }, reader))).toEqual([9]);
    expect(calls).toEqual(['frames/a.jpg']);
    await expect(readImageRef({ kind: 'object', key: 'frames/a.jpg' })).rejects.toThrow('no object store was given');
    expect(describeImageRef({ kind: 'object', key: 'k' })).toBe('object:k');
  });
});
