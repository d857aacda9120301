#!/usr/bin/env node
// Smoke test: the `minio` npm client (what the Argus services use) against the local
// S3 endpoint (S3Proxy standing in for MinIO).
// Makes a bucket, uploads 20 MB as a real multipart upload (the client only goes
// multipart for streams larger than its partSize, so partSize is set to the 5 MiB
// minimum and the body is a stream), reads it back and compares hashes, checks a
// ranged read, a presigned URL and that a wrong secret / unknown access key are refused.
//
// Usage: node infra/local/smoke/s3-smoke.mjs
//   reads ARGUS_S3_ENDPOINT, ARGUS_S3_ACCESS_KEY, ARGUS_S3_SECRET_KEY, ARGUS_S3_REGION
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

const require = createRequire(import.meta.url);
const Minio = require('minio');

const endpoint = new URL(process.env.ARGUS_S3_ENDPOINT || 'http://127.0.0.1:19000');
const accessKey = process.env.ARGUS_S3_ACCESS_KEY || 'argus';
const secretKey = process.env.ARGUS_S3_SECRET_KEY || 'argus-dev-secret';
const region = process.env.ARGUS_S3_REGION || 'us-east-1';
const MiB = 1024 * 1024;
const SIZE = 20 * MiB;
const PART = 5 * MiB;
const DEADLINE_MS = 120_000;

const clientOpts = (overrides = {}) => ({
  endPoint: endpoint.hostname,
  port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
  useSSL: endpoint.protocol === 'https:',
  accessKey,
  secretKey,
  region,
  pathStyle: true,
  partSize: PART,
  ...overrides,
});
const s3 = new Minio.Client(clientOpts());

let failures = 0;
const ok = (msg) => console.log(`ok   - ${msg}`);
const fail = (msg) => {
  failures += 1;
  console.log(`FAIL - ${msg}`);
};
const check = (cond, msg) => (cond ? ok(msg) : fail(msg));

const watchdog = setTimeout(() => {
  console.error(`s3-smoke: timed out after ${DEADLINE_MS / 1000}s`);
  process.exit(2);
}, DEADLINE_MS);
watchdog.unref();

const bucket = `argus-smoke-${Date.now()}-${process.pid}`;
const bigKey = 'frames/cam-1/big-20mb.bin';
const smallKey = 'frames/cam-1/small.json';

async function sha256OfStream(stream) {
  const h = createHash('sha256');
  let n = 0;
  for await (const chunk of stream) {
    h.update(chunk);
    n += chunk.length;
  }
  return { hex: h.digest('hex'), bytes: n };
}

async function expectRefused(client, what) {
  try {
    await client.listBuckets();
    fail(`${what}: request was accepted`);
  } catch (err) {
    const code = err?.code || err?.name;
    check(['SignatureDoesNotMatch', 'InvalidAccessKeyId', 'AccessDenied'].includes(code), `${what}: refused (${code})`);
  }
}

async function main() {
  console.log(`s3-smoke: endpoint=${endpoint.origin} bucket=${bucket}`);
  await s3.makeBucket(bucket, region);
  check(await s3.bucketExists(bucket), 'makeBucket / bucketExists');

  // 20 MB of random data streamed in 1 MiB chunks -> multipart upload with 5 MiB parts.
  const data = randomBytes(SIZE);
  const expected = createHash('sha256').update(data).digest('hex');
  const chunks = [];
  for (let off = 0; off < SIZE; off += MiB) chunks.push(data.subarray(off, off + MiB));
  const t0 = Date.now();
  const put = await s3.putObject(bucket, bigKey, Readable.from(chunks), SIZE, { 'Content-Type': 'application/octet-stream' });
  const parts = /-(\d+)"?$/.exec(put.etag || '');
  check(parts !== null && Number(parts[1]) >= 4, `putObject 20 MB as multipart (etag ${put.etag}, ${Date.now() - t0} ms)`);

  const st = await s3.statObject(bucket, bigKey);
  check(st.size === SIZE, `statObject: size ${st.size}`);

  const got = await sha256OfStream(await s3.getObject(bucket, bigKey));
  check(got.bytes === SIZE && got.hex === expected, `getObject: ${got.bytes} bytes, sha256 matches`);

  const range = await sha256OfStream(await s3.getPartialObject(bucket, bigKey, 7 * MiB, 1000));
  const rangeExpected = createHash('sha256')
    .update(data.subarray(7 * MiB, 7 * MiB + 1000))
    .digest('hex');
  check(range.bytes === 1000 && range.hex === rangeExpected, 'getPartialObject: ranged read across a part boundary');

  const body = Buffer.from(JSON.stringify({ hello: 'argus' }));
  await s3.putObject(bucket, smallKey, body, body.length, { 'Content-Type': 'application/json' });
  const listed = [];
  for await (const o of s3.listObjectsV2(bucket, 'frames/', true)) listed.push(o.name);
  check(listed.includes(bigKey) && listed.includes(smallKey), `listObjectsV2: ${listed.length} objects`);

  const url = await s3.presignedGetObject(bucket, smallKey, 60);
  const res = await fetch(url);
  const text = await res.text();
  check(res.status === 200 && text === body.toString(), `presignedGetObject: HTTP ${res.status}`);

  await expectRefused(new Minio.Client(clientOpts({ secretKey: `${secretKey}-wrong` })), 'wrong secret key');
  await expectRefused(new Minio.Client(clientOpts({ accessKey: `${accessKey}-unknown` })), 'unknown access key');
  const anon = await fetch(`${endpoint.origin}/${bucket}/${smallKey}`);
  check(anon.status === 403, `anonymous GET refused (HTTP ${anon.status})`);

  await s3.removeObjects(bucket, [bigKey, smallKey]);
  await s3.removeBucket(bucket);
  check(!(await s3.bucketExists(bucket)), 'removeObjects / removeBucket');
}

try {
  await main();
} catch (err) {
  fail(`unexpected error: ${err?.code || err?.name}: ${err?.message}`);
  console.error(err);
}
console.log(failures === 0 ? 's3-smoke: PASS' : `s3-smoke: FAIL (${failures} check(s) failed)`);
process.exit(failures === 0 ? 0 : 1);
