import { Client } from 'minio';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { MinioObjectStore } from './minio-object-store.adapter';
import { describeObjectStoreContract } from './object-store.contract';
import { BucketNotFoundError, ObjectNotFoundError, ObjectStoreAuthError, ObjectStoreUnavailableError } from './object-store.errors';
import { Secret } from '@argus/platform';
import { s3ConfigFromEnv, type S3ObjectStoreConfig } from './s3-object-store.config';

/** Against the S3Proxy that `infra/local/infra.sh up` starts (ARGUS_S3_* from jest-integration-env). */
const FIVE_MIB = 5 * 1024 * 1024;
const BUCKET = 'argus-storage-it';
const config: S3ObjectStoreConfig = { ...s3ConfigFromEnv(process.env), bucket: BUCKET, partSize: FIVE_MIB };

describeObjectStoreContract('MinioObjectStore against S3Proxy', async () => {
  const store = new MinioObjectStore(config);
  await store.ensureBucket();
  return { store };
});

describe('MinioObjectStore against S3Proxy', () => {
  const store = new MinioObjectStore(config);
  /** 20 MiB and a bit: four full 5 MiB parts and a short fifth. */
  const big = randomBytes(20 * 1024 * 1024 + 12_345);
  const bigSha = sha256(big);

  beforeAll(async () => {
    await store.ensureBucket();
  });

  it('uploads a 20 MiB buffer as a multipart upload and reads it back byte-equal', async () => {
    const key = `it/${randomUUID()}/big-buffer.bin`;
    const put = await store.put(key, big, { contentType: 'application/octet-stream' });
    // An S3 multipart ETag is md5(part md5s) + "-<number of parts>"; a single PUT has no suffix.
    expect(put.etag).toMatch(/-5$/);
    const stat = await store.stat(key);
    expect(stat.size).toBe(big.length);
    expect(stat.etag).toMatch(/-5$/);
    expect(await sha256OfStream(await store.getStream(key))).toBe(bigSha);
    await store.delete(key);
  });

  it('streams a 20 MiB readable of unknown length up as multipart, one part at a time', async () => {
    const key = `it/${randomUUID()}/big-stream.bin`;
    const put = await store.put(key, chunked(big, 64 * 1024), { contentType: 'application/octet-stream' });
    expect(put.etag).toMatch(/-5$/);
    expect(sha256(await store.get(key))).toBe(bigSha);
    await store.delete(key);
  });

  it('sends a short stream of unknown length in one PUT (no multipart suffix)', async () => {
    const key = `it/${randomUUID()}/small-stream.bin`;
    const put = await store.put(key, chunked(big.subarray(0, 100_000), 4096), { contentType: 'image/jpeg' });
    expect(put.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(put.etag).toBe(createHash('md5').update(big.subarray(0, 100_000)).digest('hex'));
  });

  it('aborts the multipart upload when the source fails after the first part', async () => {
    const key = `it/${randomUUID()}/aborted.bin`;
    async function* failsLate(): AsyncGenerator<Buffer> {
      yield big.subarray(0, FIVE_MIB + 1000); // one full part is uploaded
      throw new Error('source failed mid-upload');
    }
    await expect(store.put(key, Readable.from(failsLate()), { contentType: 'image/png' })).rejects.toThrow('source failed mid-upload');
    expect(await store.exists(key)).toBe(false);
    const client = rawClient(config);
    const pending: unknown[] = [];
    for await (const upload of client.listIncompleteUploads(BUCKET, key, true)) pending.push(upload);
    expect(pending).toEqual([]);
  });

  it('refuses a wrong secret with ObjectStoreAuthError, never echoing the secret', async () => {
    const wrong = new MinioObjectStore({ ...config, secretKey: new Secret('not-the-secret-42') });
    const put = wrong.put(`it/${randomUUID()}/x`, Buffer.from('x'), { contentType: 'text/plain' });
    await expect(put).rejects.toBeInstanceOf(ObjectStoreAuthError);
    await expect(put).rejects.toMatchObject({ code: 'object-store.auth', s3Code: 'SignatureDoesNotMatch' });
    await expect(wrong.stat('it/x')).rejects.toBeInstanceOf(ObjectStoreAuthError);
    const readiness = wrong.readinessCheck();
    expect(readiness.name).toBe('s3');
    const failure = await readiness.check().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ObjectStoreAuthError);
    expect(String((failure as Error).message)).not.toContain('not-the-secret-42');
  });

  it('reports an unknown bucket as BucketNotFoundError and a missing key as ObjectNotFoundError', async () => {
    const nowhere = new MinioObjectStore({ ...config, bucket: `argus-missing-${randomUUID().slice(0, 8)}` });
    await expect(nowhere.readinessCheck().check()).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(nowhere.get('a/b')).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(store.get(`it/${randomUUID()}/none`)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('reports an unreachable endpoint as ObjectStoreUnavailableError', async () => {
    const down = new MinioObjectStore({ ...config, endPoint: '127.0.0.1', port: 1 });
    await expect(down.readinessCheck().check()).rejects.toBeInstanceOf(ObjectStoreUnavailableError);
  });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A stream with no known length, like an HTTP request body. */
function chunked(bytes: Buffer, chunkSize: number): Readable {
  function* chunks(): Generator<Buffer> {
    for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
  }
  return Readable.from(chunks());
}

function rawClient(c: S3ObjectStoreConfig): Client {
  return new Client({
    endPoint: c.endPoint,
    port: c.port,
    useSSL: c.useSSL,
    accessKey: c.accessKey,
    secretKey: c.secretKey.reveal(),
    region: c.region,
    pathStyle: true,
  });
}
