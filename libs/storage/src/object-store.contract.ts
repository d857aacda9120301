/**
 * The behaviour every `ObjectStore` adapter must show, as a Jest suite. Each adapter's test file
 * calls `describeObjectStoreContract` with a factory for a ready store (its bucket exists).
 * Test-only: not exported from the lib's index.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidObjectKeyError, InvalidObjectMetadataError, ObjectNotFoundError } from './object-store.errors';
import type { ObjectStore } from './object-store.port';

export interface ObjectStoreUnderTest {
  readonly store: ObjectStore;
  readonly dispose?: () => Promise<void>;
}

export const INVALID_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['a ".." segment', 'line-1/../secrets'],
  ['a leading ".."', '../outside'],
  ['an absolute path', '/etc/passwd'],
  ['a drive letter', 'C:/windows'],
  ['a backslash', 'line-1\\cam'],
  ['a NUL character', 'line-1/\u0000x'],
  ['a newline', 'line-1/x\ny'],
  ['an empty key', ''],
  ['an empty segment', 'line-1//x'],
  ['a trailing slash', 'line-1/'],
  ['a "." segment', 'line-1/./x'],
  ['more than 1024 UTF-8 bytes (though 513 characters)', 'é'.repeat(513)],
];

export function describeObjectStoreContract(adapter: string, create: () => Promise<ObjectStoreUnderTest>): void {
  describe(`ObjectStore contract: ${adapter}`, () => {
    let subject: ObjectStoreUnderTest;
    let store: ObjectStore;
    /** Each test writes under its own prefix, so runs and tests never see each other's objects. */
    let base: string;

    beforeAll(async () => {
      subject = await create();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.dispose?.();
    });
    beforeEach(() => {
      base = `contract/${randomUUID()}`;
    });

    it('puts a buffer and reads back the same bytes, content type and metadata', async () => {
      const key = `${base}/frame.png`;
      const body = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x10]);
      const before = Date.now();
      const put = await store.put(key, body, {
        contentType: 'image/png',
        metadata: { 'camera-id': 'cam-top', sha256: 'abc' },
      });
      expect(put.key).toBe(key);
      expect(put.etag).not.toBe('');

      expect(await store.get(key)).toEqual(body);
      const stat = await store.stat(key);
      expect(stat).toMatchObject({ key, size: body.length, contentType: 'image/png', etag: put.etag });
      expect(stat.metadata).toEqual({ 'camera-id': 'cam-top', sha256: 'abc' });
      // Second-resolution clocks (HTTP Last-Modified) round down.
      expect(stat.lastModified.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 2000);
      expect(await store.exists(key)).toBe(true);
    });

    it('streams an object back with getStream', async () => {
      const key = `${base}/streamed.bin`;
      const body = Buffer.alloc(300_000, 7);
      await store.put(key, body, { contentType: 'application/octet-stream' });
      const chunks: Buffer[] = [];
      for await (const chunk of await store.getStream(key)) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(body)).toBe(true);
    });

    it('overwrites an existing object', async () => {
      const key = `${base}/x.json`;
      await store.put(key, Buffer.from('{"v":1}'), { contentType: 'application/json' });
      await store.put(key, Buffer.from('{"v":22}'), { contentType: 'text/plain' });
      expect((await store.get(key)).toString()).toBe('{"v":22}');
      expect(await store.stat(key)).toMatchObject({ size: 8, contentType: 'text/plain' });
    });

    it('puts a readable of known size and one of unknown length', async () => {
      const body = Buffer.from('a'.repeat(10_000) + 'b'.repeat(10_000));
      await store.put(`${base}/known`, Readable.from([body.subarray(0, 7), body.subarray(7)]), {
        contentType: 'text/plain',
        size: body.length,
      });
      await store.put(`${base}/unknown`, Readable.from([body.subarray(0, 5000), body.subarray(5000)]), {
        contentType: 'text/plain',
      });
      expect((await store.get(`${base}/known`)).equals(body)).toBe(true);
      expect((await store.get(`${base}/unknown`)).equals(body)).toBe(true);
    });

    it('stores empty objects, from a buffer and from an empty stream', async () => {
      await store.put(`${base}/empty-buffer`, Buffer.alloc(0), { contentType: 'text/plain' });
      await store.put(`${base}/empty-stream`, Readable.from([]), { contentType: 'text/plain' });
      expect(await store.get(`${base}/empty-buffer`)).toEqual(Buffer.alloc(0));
      expect((await store.stat(`${base}/empty-stream`)).size).toBe(0);
    });

    it('refuses a body whose length differs from the declared size, storing nothing', async () => {
      const shorter = store.put(`${base}/short`, Readable.from([Buffer.from('abc')]), {
        contentType: 'text/plain',
        size: 4,
      });
      await expect(shorter).rejects.toBeInstanceOf(InvalidObjectMetadataError);
      const longer = store.put(`${base}/long`, Buffer.from('abcde'), { contentType: 'text/plain', size: 4 });
      await expect(longer).rejects.toBeInstanceOf(InvalidObjectMetadataError);
      expect(await store.exists(`${base}/short`)).toBe(false);
      expect(await store.exists(`${base}/long`)).toBe(false);
    });

    it('rejects a put whose source stream fails, storing nothing', async () => {
      async function* failing(): AsyncGenerator<Buffer> {
        yield Buffer.from('partial');
        throw new Error('camera connection dropped');
      }
      await expect(store.put(`${base}/broken`, Readable.from(failing()), { contentType: 'text/plain' })).rejects.toThrow(
        'camera connection dropped',
      );
      expect(await store.exists(`${base}/broken`)).toBe(false);
    });

    it('reports a missing object as ObjectNotFoundError, exists() false, delete() fine', async () => {
      const key = `${base}/absent.png`;
      await expect(store.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getStream(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.stat(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.stat(key)).rejects.toMatchObject({ code: 'object-store.not-found', key });
      expect(await store.exists(key)).toBe(false);
      await expect(store.delete(key)).resolves.toBeUndefined();
    });

    it('deletes an object', async () => {
      const key = `${base}/a/b/c.txt`;
      await store.put(key, Buffer.from('x'), { contentType: 'text/plain' });
      await store.delete(key);
      expect(await store.exists(key)).toBe(false);
      await expect(store.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    });

    it('lists keys under a prefix in ascending key order', async () => {
      const keys = [`${base}/b/2.png`, `${base}/a-c`, `${base}/a/1.png`, `${base}/a/0.png`, `${base}/b/10.png`];
      for (const key of keys) await store.put(key, Buffer.from(key), { contentType: 'image/png' });
      await store.put(`${base}x/not-mine`, Buffer.from('x'), { contentType: 'text/plain' });

      const all = await collect(store.list(`${base}/`));
      expect(all.map((o) => o.key)).toEqual([`${base}/a-c`, `${base}/a/0.png`, `${base}/a/1.png`, `${base}/b/10.png`, `${base}/b/2.png`]);
      const first = all[0];
      expect(first?.size).toBe(Buffer.byteLength(`${base}/a-c`));
      expect(first?.lastModified).toBeInstanceOf(Date);

      // A prefix need not end at a "/".
      expect((await collect(store.list(`${base}/a`))).map((o) => o.key)).toEqual([`${base}/a-c`, `${base}/a/0.png`, `${base}/a/1.png`]);
      expect(await collect(store.list(`${base}/nothing-here/`))).toEqual([]);
      await store.delete(`${base}x/not-mine`);
    });

    it('keeps non-ASCII keys intact', async () => {
      const key = `${base}/caméra-ü/画像.png`;
      await store.put(key, Buffer.from('ü'), { contentType: 'image/png' });
      expect((await store.get(key)).toString()).toBe('ü');
      expect((await collect(store.list(`${base}/`))).map((o) => o.key)).toEqual([key]);
    });

    describe.each(INVALID_KEYS)('refuses a key with %s', (_problem, key) => {
      it('on every operation, before any I/O', async () => {
        const calls: ReadonlyArray<() => Promise<unknown>> = [
          () => store.put(key, Buffer.from('x'), { contentType: 'text/plain' }),
          () => store.get(key),
          () => store.getStream(key),
          () => store.stat(key),
          () => store.exists(key),
          () => store.delete(key),
        ];
        for (const call of calls) await expect(call()).rejects.toBeInstanceOf(InvalidObjectKeyError);
      });
    });

    it('refuses a listing prefix that climbs out with ".."', async () => {
      await expect(collect(store.list('line-1/../'))).rejects.toBeInstanceOf(InvalidObjectKeyError);
    });

    it('refuses a bad content type or metadata', async () => {
      const key = `${base}/meta`;
      await expect(store.put(key, Buffer.from('x'), { contentType: 'jpeg' })).rejects.toBeInstanceOf(InvalidObjectMetadataError);
      await expect(store.put(key, Buffer.from('x'), { contentType: 'image/jpeg', metadata: { 'Camera Id': 'x' } })).rejects.toBeInstanceOf(
        InvalidObjectMetadataError,
      );
      await expect(
        store.put(key, Buffer.from('x'), { contentType: 'image/jpeg', metadata: { 'content-type': 'x' } }),
      ).rejects.toBeInstanceOf(InvalidObjectMetadataError);
      expect(await store.exists(key)).toBe(false);
    });

    it('ensures its bucket idempotently and reports ready', async () => {
      await store.ensureBucket();
      await store.ensureBucket();
      const readiness = store.readinessCheck();
      expect(typeof readiness.name).toBe('string');
      await expect(readiness.check()).resolves.toBeUndefined();
    });
  });
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
