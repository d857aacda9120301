/**
 * The filesystem adapter against a real temporary folder. Its tests do file I/O, so they live in
 * the integration tier (unit tests do no I/O); they need no infrastructure and run in about a second.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { FilesystemObjectStore } from './filesystem-object-store.adapter';
import { collect, describeObjectStoreContract } from './object-store.contract';
import { BucketNotFoundError, InvalidObjectKeyError, ObjectKeyConflictError, ObjectNotFoundError } from './object-store.errors';

describeObjectStoreContract('FilesystemObjectStore', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'argus-fs-store-'));
  const store = new FilesystemObjectStore({ root, bucket: 'argus' });
  await store.ensureBucket();
  return { store, dispose: () => rm(root, { recursive: true, force: true }) };
});

describe('FilesystemObjectStore', () => {
  let root: string;
  let store: FilesystemObjectStore;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'argus-fs-store-'));
    store = new FilesystemObjectStore({ root, bucket: 'frames' });
    await store.ensureBucket();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lays objects out at their key path with a JSON sidecar, leaving no temp files', async () => {
    await store.put('line-1/cam-top/a.png', Buffer.from('png'), { contentType: 'image/png', metadata: { k: 'v' } });
    expect(await readdir(path.join(root, 'frames', 'objects', 'line-1', 'cam-top'))).toEqual(['a.png']);
    const sidecar = await readFile(path.join(root, 'frames', 'meta', 'line-1', 'cam-top', 'a.png'), 'utf8');
    expect(JSON.parse(sidecar)).toEqual({
      contentType: 'image/png',
      etag: createHash('md5').update('png').digest('hex'),
      size: 3,
      metadata: { k: 'v' },
    });
    expect(await readdir(path.join(root, 'frames', 'tmp'))).toEqual([]);
  });

  it('leaves neither object nor temp file behind when the source stream fails', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(1000);
      throw new Error('disconnect');
    }
    await expect(store.put('a/b.bin', Readable.from(failing()), { contentType: 'image/png' })).rejects.toThrow('disconnect');
    expect(await store.exists('a/b.bin')).toBe(false);
    expect(await readdir(path.join(root, 'frames', 'tmp'))).toEqual([]);
  });

  it('refuses a key that escapes the root through a symbolic link', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'argus-outside-'));
    try {
      await writeFile(path.join(outside, 'secret.txt'), 'top secret');
      await symlink(outside, path.join(root, 'frames', 'objects', 'escape'));
      await expect(store.get('escape/secret.txt')).rejects.toThrow(InvalidObjectKeyError);
      await expect(store.put('escape/planted.txt', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(
        'resolves outside the store root',
      );
      expect(await readdir(outside)).toEqual(['secret.txt']);
      // Listing never follows links either.
      expect(await collect(store.list())).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('reports a folder/file clash as ObjectKeyConflictError', async () => {
    await store.put('a/b', Buffer.from('x'), { contentType: 'text/plain' });
    await expect(store.put('a', Buffer.from('y'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(ObjectKeyConflictError);
    await expect(store.put('a/b/c', Buffer.from('z'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(ObjectKeyConflictError);
    // The folder "a" is not an object.
    await expect(store.stat('a')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect((await store.get('a/b')).toString()).toBe('x');
  });

  it('removes emptied folders on delete, so the key can become a file later', async () => {
    await store.put('a/b/c', Buffer.from('x'), { contentType: 'text/plain' });
    await store.delete('a/b/c');
    expect(await readdir(path.join(root, 'frames', 'objects'))).toEqual([]);
    await store.put('a', Buffer.from('now a file'), { contentType: 'text/plain' });
    expect((await store.get('a')).toString()).toBe('now a file');
  });

  it('falls back to octet-stream when the sidecar is missing', async () => {
    await mkdir(path.join(root, 'frames', 'objects', 'dropped'), { recursive: true });
    await writeFile(path.join(root, 'frames', 'objects', 'dropped', 'in.bin'), 'raw');
    expect(await store.stat('dropped/in.bin')).toMatchObject({ size: 3, contentType: 'application/octet-stream' });
  });

  it('reports a missing bucket folder', async () => {
    const other = new FilesystemObjectStore({ root, bucket: 'not-created' });
    await expect(other.readinessCheck().check()).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(other.put('a', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(collect(other.list())).rejects.toBeInstanceOf(BucketNotFoundError);
  });
});
