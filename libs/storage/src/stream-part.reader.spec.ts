import { Readable } from 'node:stream';
import { StreamPartReader } from './stream-part.reader';

async function partsOf(chunks: Buffer[], partSize: number): Promise<{ sizes: number[]; bytes: Buffer }> {
  const reader = new StreamPartReader(Readable.from(chunks), partSize);
  const sizes: number[] = [];
  const all: Buffer[] = [];
  for (;;) {
    const part = await reader.next();
    sizes.push(part.bytes.length);
    all.push(part.bytes);
    if (part.last) break;
  }
  return { sizes, bytes: Buffer.concat(all) };
}

const bytes = (n: number, seed = 1): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) % 251));

describe('StreamPartReader', () => {
  it('cuts parts of exactly partSize across chunk boundaries, the last one shorter', async () => {
    const source = bytes(25, 7);
    const result = await partsOf([source.subarray(0, 3), source.subarray(3, 17), source.subarray(17)], 10);
    expect(result.sizes).toEqual([10, 10, 5]);
    expect(result.bytes.equals(source)).toBe(true);
  });

  it('splits a single chunk larger than several parts', async () => {
    const source = bytes(35, 3);
    const result = await partsOf([source], 10);
    expect(result.sizes).toEqual([10, 10, 10, 5]);
    expect(result.bytes.equals(source)).toBe(true);
  });

  it('marks the first part last when the stream fits in one part', async () => {
    const reader = new StreamPartReader(Readable.from([bytes(4)]), 10);
    const part = await reader.next();
    expect(part).toEqual({ bytes: bytes(4), last: true });
    expect(reader.bytesRead).toBe(4);
  });

  it('ends with an empty last part when the length is an exact multiple', async () => {
    expect((await partsOf([bytes(20)], 10)).sizes).toEqual([10, 10, 0]);
  });

  it('handles an empty stream', async () => {
    expect((await partsOf([], 10)).sizes).toEqual([0]);
  });

  it('surfaces the source error', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield bytes(12);
      throw new Error('source broke');
    }
    const reader = new StreamPartReader(Readable.from(failing()), 10);
    await expect(reader.next()).resolves.toMatchObject({ last: false });
    await expect(reader.next()).rejects.toThrow('source broke');
  });

  it('destroys the source when abandoned', async () => {
    const source = Readable.from([bytes(30)]);
    const reader = new StreamPartReader(source, 10);
    await reader.next();
    await reader.abandon();
    expect(source.destroyed).toBe(true);
  });
});
