// The I/O floor of camera-ingest and detection-inference: one bare process that does only the
// work neither service can skip, with the same clients (node:http, minio, pg, kafkajs) and
// nothing else: no NestJS, no OpenTelemetry, no validation, no model, no alert rules. Started by
// io-floor.bench.ts, which drives frames in and measures the CPU this process uses per frame.
//
// Per frame, as ingest: receive the upload, hash it, PUT it to S3, INSERT its row, publish an
// event, answer 202. As inference: fetch the event, GET the object, INSERT its detections (one
// statement per fetched batch), publish an event per frame (one produce per batch), commit.
//
// Env: PORT, ARGUS_KAFKA_BROKERS, ARGUS_S3_*, ARGUS_DATABASE_URL, FLOOR_RUN (names the topics,
// tables, group and object prefix), FLOOR_DETECTIONS (rows per frame).
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { Client as MinioClient } from 'minio';
import { Pool } from 'pg';
import { RequestCoalescer } from '@argus/platform/batching';
import { s3ConfigFromEnv } from '@argus/storage';

const env = process.env;
const run = env['FLOOR_RUN'] ?? 'local';
const detectionsPerFrame = Number(env['FLOOR_DETECTIONS'] ?? 7);
const frameTopic = `argus.io-floor.${run}.frames`;
const resultTopic = `argus.io-floor.${run}.results`;

const s3 = s3ConfigFromEnv(env);
const minio = new MinioClient({
  endPoint: s3.endPoint,
  port: s3.port,
  useSSL: s3.useSSL,
  accessKey: s3.accessKey,
  secretKey: s3.secretKey.reveal(),
  region: s3.region,
  pathStyle: true,
});
const pool = new Pool({ connectionString: env['ARGUS_DATABASE_URL'], max: 4 });
const kafka = new Kafka({ clientId: `io-floor-${run}`, brokers: (env['ARGUS_KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.ERROR });
const producer = kafka.producer({ allowAutoTopicCreation: false });
// As detection-inference's consumer: 1 s fetch wait, the six partitions handled concurrently.
const consumer = kafka.consumer({ groupId: `io-floor-${run}`, maxWaitTimeInMs: 1_000 });
let processed = 0;

/** Publishes made in the same turn of the event loop, or while one is in flight, go as one produce (as Argus's bus does). */
const outbox = new RequestCoalescer<Message>(async (messages) => {
  await producer.send({ topic: frameTopic, acks: -1, messages: [...messages] });
});

async function ingest(request: IncomingMessage, response: ServerResponse, cameraId: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const id = randomUUID();
  const key = `io-floor-${run}/${cameraId}/${id}.jpg`;
  await minio.putObject(s3.bucket, key, bytes, bytes.length, { 'Content-Type': 'image/jpeg' });
  await pool.query('INSERT INTO floor_frame (id, camera_id, object_key, sha256, byte_size) VALUES ($1, $2, $3, $4, $5)', [
    id,
    cameraId,
    key,
    sha256,
    bytes.length,
  ]);
  await outbox.submit({ key: cameraId, value: JSON.stringify({ frameId: id, cameraId, objectKey: key, sha256, byteSize: bytes.length }) });
  response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ frameId: id }));
}

async function readObject(key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await minio.getObject(s3.bucket, key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function infer(messages: readonly Message[]): Promise<void> {
  const frames = messages.map((m) => JSON.parse(String(m.value)) as { frameId: string; cameraId: string; objectKey: string });
  const images = await Promise.all(frames.map((f) => readObject(f.objectKey)));
  const values: unknown[] = [];
  const rows: string[] = [];
  frames.forEach((frame, f) => {
    for (let i = 0; i < detectionsPerFrame; i++) {
      const at = values.length;
      // Stand-in boxes: what a model would give, sized from the image so the bytes were really read.
      const side = 8 + ((images[f] as Buffer).length % 32);
      values.push(frame.frameId, i, 'open', 0.9, 10 * i, 10, 10 * i + side, 10 + side);
      rows.push(`($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5}, $${at + 6}, $${at + 7}, $${at + 8})`);
    }
  });
  if (rows.length > 0)
    await pool.query(
      `INSERT INTO floor_detection (frame_id, ordinal, class_name, score, x1, y1, x2, y2) VALUES ${rows.join(', ')}`,
      values,
    );
  await producer.send({
    topic: resultTopic,
    acks: -1,
    messages: frames.map((f) => ({ key: f.cameraId, value: JSON.stringify({ frameId: f.frameId, detections: detectionsPerFrame }) })),
  });
}

async function main(): Promise<void> {
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: frameTopic, fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: true,
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch }) => {
      await infer(batch.messages);
      processed += batch.messages.length;
    },
  });
  const server = createServer((request, response) => {
    const upload = /^\/v1\/lines\/[^/]+\/cameras\/([^/]+)\/frames$/.exec(request.url ?? '');
    if (request.method === 'GET' && request.url === '/health/ready') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ processed }));
      return;
    }
    if (request.method !== 'POST' || !upload) {
      response.writeHead(404).end();
      return;
    }
    ingest(request, response, upload[1] as string).catch((error: unknown) => {
      response.writeHead(503, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  server.listen(Number(env['PORT']), '127.0.0.1');
  const stop = () => {
    server.close();
    void Promise.allSettled([consumer.disconnect(), producer.disconnect(), pool.end()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`io-floor services: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
