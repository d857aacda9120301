import { createHash } from 'node:crypto';
import { KafkaMessageBusAdapter } from '@argus/messaging';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { encodeImage } from '@argus/vision/data';
import { IngestInfraHarness, silentLogger, TEST_CAMERA_TOKEN } from '../testing/ingest-infra.harness';
import { jpegHeaderBytes, pngHeaderBytes } from '../testing/image-bytes.fixture';
import { waitFor } from '@argus/platform/testing';
import { frameIdFor } from '../ingest/frame-id.generator';

jest.setTimeout(90_000);

const infra = new IngestInfraHarness();
let url: string;
let lineId: string;
let jpeg: Buffer;
let png: Buffer;

/** A small real image: distinct content per `shade` so each upload is a new frame. */
async function image(format: 'png' | 'jpeg', shade: number): Promise<Buffer> {
  const width = 48;
  const height = 32;
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7 + shade * 31) % 256);
  return encodeImage({ data, width, height, channels: 3 }, format);
}

function post(
  body: Buffer | FormData,
  headers: Record<string, string>,
  path = `/v1/lines/${lineId}/cameras/cam-1/frames`,
  base = url,
): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${TEST_CAMERA_TOKEN}`, ...headers } });
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

beforeAll(async () => {
  await infra.start();
  lineId = await infra.line('upload', ['cam-1', 'cam-2']);
  ({ url } = await infra.app());
  jpeg = await image('jpeg', 1);
  png = await image('png', 2);
});

afterAll(() => infra.stop());

describe('POST /v1/lines/{lineId}/cameras/{cameraId}/frames on Kafka, S3Proxy and Postgres', () => {
  it.each([
    ['a raw JPEG', () => post(jpeg, { 'content-type': 'image/jpeg' }), () => jpeg, 'image/jpeg', 'jpg'],
    ['a raw PNG', () => post(png, { 'content-type': 'image/png' }), () => png, 'image/png', 'png'],
    [
      'a multipart JPEG',
      async () => {
        const form = new FormData();
        form.append('note', 'ignored field');
        form.append('frame', new Blob([multipartJpeg], { type: 'image/jpeg' }), 'frame.jpg');
        return post(form, {});
      },
      () => multipartJpeg,
      'image/jpeg',
      'jpg',
    ],
  ])(
    'accepts %s: 202, the object byte-equal in S3, the frame row, a schema-valid event',
    async (_name, send, bytesOf, contentType, ext) => {
      const response = await send();
      expect(response.status).toBe(202);
      const body = (await response.json()) as { frameId: string; objectKey: string; duplicate: boolean };
      expect(body.duplicate).toBe(false);
      const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
      expect(body.objectKey).toBe(`${lineId}/cam-1/${day}/${body.frameId}.${ext}`);

      expect((await infra.store.get(body.objectKey)).equals(bytesOf())).toBe(true);
      const row = await infra.frames.findById(body.frameId);
      expect(row).toMatchObject({
        lineId,
        cameraId: 'cam-1',
        objectKey: body.objectKey,
        contentType,
        width: 48,
        height: 32,
        byteSize: bytesOf().length,
      });

      await waitFor(`the frame-ingested event of ${body.frameId}`, () => infra.events.some((e) => e.frameId === body.frameId), 30_000);
      expect(infra.events.find((e) => e.frameId === body.frameId)).toMatchObject({
        lineId,
        cameraId: 'cam-1',
        bucket: infra.store.bucket,
        objectKey: body.objectKey,
        templateKey: null,
        contentType,
        source: 'http',
        sha256: row?.sha256,
      });
    },
  );

  it('answers a second upload of the same bytes with the same frame id (duplicate) and no second row', async () => {
    const bytes = await image('png', 3);
    const first = (await (await post(bytes, { 'content-type': 'image/png' })).json()) as { frameId: string };
    const again = await post(bytes, { 'content-type': 'image/png' });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ frameId: first.frameId, duplicate: true });
    const rows = await infra.frames.listForCamera(lineId, 'cam-1', { limit: 200 });
    expect(rows.filter((f) => f.id === first.frameId)).toHaveLength(1);
    // The same bytes from another camera are another frame.
    const other = (await (await post(bytes, { 'content-type': 'image/png' }, `/v1/lines/${lineId}/cameras/cam-2/frames`)).json()) as {
      frameId: string;
    };
    expect(other.frameId).not.toBe(first.frameId);
  });

  it('accepts a frame whose header is valid and body broken (inference fails it later)', async () => {
    const broken = jpegHeaderBytes(64, 48, { body: Buffer.from('not a JPEG scan at all') });
    const response = await post(broken, { 'content-type': 'image/jpeg' });
    expect(response.status).toBe(202);
  });

  it('answers 401 without a token and 403 with a wrong one', async () => {
    const none = await fetch(`${url}/v1/lines/${lineId}/cameras/cam-1/frames`, {
      method: 'POST',
      body: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(none.status).toBe(401);
    expect(await errorOf(none)).toMatchObject({ code: 'unauthenticated' });
    const wrong = await post(png, { 'content-type': 'image/png', authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(403);
    expect(await errorOf(wrong)).toMatchObject({ code: 'forbidden' });
  });

  it('answers 404 for an unknown line or camera', async () => {
    const line = await post(png, { 'content-type': 'image/png' }, `/v1/lines/nope-${infra.runId}/cameras/cam-1/frames`);
    expect(line.status).toBe(404);
    expect(await errorOf(line)).toMatchObject({ code: 'line.not-found' });
    const camera = await post(png, { 'content-type': 'image/png' }, `/v1/lines/${lineId}/cameras/cam-9/frames`);
    expect(camera.status).toBe(404);
    expect(await errorOf(camera)).toMatchObject({ code: 'camera.not-found' });
  });

  it('answers 413 for a frame over the limit, by Content-Length and while streaming', async () => {
    const big = Buffer.concat([pngHeaderBytes(64, 64), Buffer.alloc(300 * 1024, 7)]);
    const declared = await post(big, { 'content-type': 'image/png' });
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toMatchObject({ code: 'frame.too-large' });

    // No Content-Length: a chunked stream that passes the limit part-way.
    const chunks = [pngHeaderBytes(64, 64), ...Array.from({ length: 40 }, () => Buffer.alloc(8 * 1024, 1))];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await fetch(`${url}/v1/lines/${lineId}/cameras/cam-1/frames`, {
      method: 'POST',
      body: stream,
      headers: { authorization: `Bearer ${TEST_CAMERA_TOKEN}`, 'content-type': 'image/png' },
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);

    const form = new FormData();
    form.append('frame', new Blob([big], { type: 'image/png' }), 'big.png');
    const multipart = await post(form, {});
    expect(multipart.status).toBe(413);
  });

  it('answers 415 for bytes that are no JPEG/PNG, a declared type the bytes contradict, or another type', async () => {
    const gif = await post(Buffer.from('GIF89a........'), { 'content-type': 'image/jpeg' });
    expect(gif.status).toBe(415);
    const mismatch = await post(jpeg, { 'content-type': 'image/png' });
    expect(mismatch.status).toBe(415);
    expect(await errorOf(mismatch)).toMatchObject({
      code: 'frame.unsupported-type',
      message: 'Content-Type says image/png but the bytes are JPEG',
    });
    const text = await post(png, { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('answers 422 for an unreadable header or out-of-range dimensions', async () => {
    const cut = await post(pngHeaderBytes(64, 64).subarray(0, 18), { 'content-type': 'image/png' });
    expect(cut.status).toBe(422);
    expect(await errorOf(cut)).toMatchObject({ code: 'frame.undecodable' });
    const tiny = await post(pngHeaderBytes(8, 8), { 'content-type': 'image/png' });
    expect(tiny.status).toBe(422);
    expect(await errorOf(tiny)).toMatchObject({ code: 'frame.dimensions-out-of-range' });
    const huge = await post(jpegHeaderBytes(5000, 100), { 'content-type': 'image/jpeg' });
    expect(huge.status).toBe(422);
  });

  it('answers 400 for a multipart request without the frame field', async () => {
    const form = new FormData();
    form.append('picture', new Blob([png], { type: 'image/png' }), 'x.png');
    const response = await post(form, {});
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('"frame"');
  });

  it('answers 503 + Retry-After when Kafka cannot be reached; a retry on a working setup finishes the job with the same frame id', async () => {
    const deadBus = new KafkaMessageBusAdapter({
      config: { clientId: 'camera-ingest-dead', brokers: ['127.0.0.1:1'] },
      logger: silentLogger,
      producerRetry: { retries: 0, initialRetryTimeMs: 50, maxRetryTimeMs: 50 },
    });
    infra.onClose(() => deadBus.stop());
    const broken = await infra.app({ bus: deadBus });
    const bytes = await image('jpeg', 4);

    const refused = await post(bytes, { 'content-type': 'image/jpeg' }, undefined, broken.url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(await errorOf(refused)).toMatchObject({ code: 'ingest.unavailable' });

    const retried = await post(bytes, { 'content-type': 'image/jpeg' });
    expect(retried.status).toBe(202);
    const body = (await retried.json()) as { frameId: string; objectKey: string; duplicate: boolean };
    // Object and row were written before Kafka failed: the retry finds them and publishes.
    expect(body.duplicate).toBe(true);
    expect((await infra.store.get(body.objectKey)).equals(bytes)).toBe(true);
    await waitFor('the re-published event', () => infra.events.some((e) => e.frameId === body.frameId), 30_000);
  });

  it('answers 503 + Retry-After when S3 cannot be reached; a retry on a working setup gets 202 with the same frame id', async () => {
    const deadStore = new MinioObjectStore({ ...s3ConfigFromEnv(process.env), endPoint: '127.0.0.1', port: 1 });
    const broken = await infra.app({ store: deadStore });
    const bytes = await image('png', 5);

    const refused = await post(bytes, { 'content-type': 'image/png' }, undefined, broken.url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    const refusedBody = await errorOf(refused);
    expect(refusedBody).toMatchObject({ code: 'ingest.unavailable' });

    const retried = await post(bytes, { 'content-type': 'image/png' });
    expect(retried.status).toBe(202);
    const body = (await retried.json()) as { frameId: string; duplicate: boolean };
    expect(body.duplicate).toBe(false);
    // The id does not depend on which attempt succeeded: it is derived from line, camera and content.
    expect(body.frameId).toBe(frameIdFor(lineId, 'cam-1', createHash('sha256').update(bytes).digest('hex')));
    expect(await infra.frames.findById(body.frameId)).not.toBeNull();
  });
});

let multipartJpeg: Buffer;
beforeAll(async () => {
  multipartJpeg = await image('jpeg', 9);
});
