/**
 * `npm run bench:io-floor`: what camera-ingest's and detection-inference's I/O costs at the least,
 * measured on infra/local's real Kafka, S3Proxy and Postgres.
 *
 * io-floor.services.ts does, in one bare process, only what neither service can skip (receive,
 * hash, PUT, INSERT, publish; fetch, GET, INSERT the detections, publish, commit) with the same
 * clients and none of the rest (framework, tracing, validation, idempotency, alert rules, model).
 * This drives PCB frames into it at a fixed rate and prints the CPU per frame of that process,
 * Kafka, S3Proxy, Postgres, this driver and the whole machine, from the window's start until every
 * frame was processed.
 *
 * Given the model's CPU per frame (BENCH_MODEL_MS: bench:pipeline prints it on its `ceiling` line)
 * and, optionally, its throughput alone (BENCH_MODEL_FPS: `model_fps`; default: the cores kept
 * busy, cores ÷ its CPU per frame), it also prints the best ratio a pipeline built on these parts
 * could reach on this machine: the rate at which the model plus this floor fill the cores, over
 * model_fps. That is the ratio if the services cost no more than this floor.
 *
 * Env: BENCH_RATE (80 frames/s), BENCH_WINDOW_S (30), BENCH_CAMERAS (6), BENCH_MODEL_MS, BENCH_MODEL_FPS.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { Client as MinioClient } from 'minio';
import { Client as PgClient } from 'pg';
import { s3ConfigFromEnv } from '@argus/storage';
import { createPcbBoardGenerator, encodeImage } from '@argus/vision';
import { FrameUploadClient } from '../support/frame-upload.client';
import { infraCpuSeconds, infraPids, stopLocalInfra, useLocalInfra } from '../support/local-infra';
import { freePort } from '../support/network.probe';
import { sendPaced } from '../support/paced-sender';
import { PipelineDatabase } from '../support/pipeline-database.fixture';
import { cpuSecondsOf, machineBusySeconds } from '../support/proc-cpu.reader';
import { ServiceProcess } from '../support/service-process.harness';
import { pollUntil } from '../support/wait-for.poller';

const run = randomBytes(3).toString('hex');
const RATE = Number(process.env['BENCH_RATE'] ?? 80);
const WINDOW_S = Number(process.env['BENCH_WINDOW_S'] ?? 30);
const CAMERA_COUNT = Number(process.env['BENCH_CAMERAS'] ?? 6);
const MODEL_MS = process.env['BENCH_MODEL_MS'] ? Number(process.env['BENCH_MODEL_MS']) : undefined;
const MODEL_FPS = process.env['BENCH_MODEL_FPS'] ? Number(process.env['BENCH_MODEL_FPS']) : undefined;
/** Rows per frame, about what the PCB line stores (bench:pipeline's `workload` line gives the mean). */
const DETECTIONS = 7;
const MAX_IN_FLIGHT = 32;
const PARTITIONS = 6; // as frame-ingested

const progress = (line: string) => process.stdout.write(`[io-floor] ${line}\n`);

type Consumer = 'floor' | 'kafka' | 's3proxy' | 'postgres' | 'driver' | 'machine';
const NAMES: Record<Consumer, string> = {
  floor: 'the bare services',
  kafka: 'Kafka',
  s3proxy: 'S3Proxy',
  postgres: 'Postgres',
  driver: 'the driver',
  machine: 'the whole machine',
};

function validate(): void {
  for (const [name, value] of [
    ['BENCH_RATE', RATE],
    ['BENCH_WINDOW_S', WINDOW_S],
    ['BENCH_CAMERAS', CAMERA_COUNT],
  ] as const) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  }
  if (MODEL_MS !== undefined && !(MODEL_MS > 0))
    throw new Error(`BENCH_MODEL_MS must be a positive number of milliseconds, got ${process.env['BENCH_MODEL_MS']}`);
  if (MODEL_FPS !== undefined && !(MODEL_FPS > 0))
    throw new Error(`BENCH_MODEL_FPS must be a positive number of frames/s, got ${process.env['BENCH_MODEL_FPS']}`);
  if (MODEL_FPS !== undefined && MODEL_MS === undefined)
    throw new Error("BENCH_MODEL_FPS needs BENCH_MODEL_MS (the model's CPU per frame) too");
}

async function main(): Promise<void> {
  validate();
  const localInfra = useLocalInfra(progress);
  const s3 = s3ConfigFromEnv(process.env);
  const minio = new MinioClient({
    endPoint: s3.endPoint,
    port: s3.port,
    useSSL: s3.useSSL,
    accessKey: s3.accessKey,
    secretKey: s3.secretKey.reveal(),
    region: s3.region,
    pathStyle: true,
  });
  const kafka = new Kafka({
    clientId: `io-floor-admin-${run}`,
    brokers: (process.env['ARGUS_KAFKA_BROKERS'] ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const topics = [`argus.io-floor.${run}.frames`, `argus.io-floor.${run}.results`];
  let db: PipelineDatabase | undefined;
  let services: ServiceProcess | undefined;
  try {
    db = await PipelineDatabase.create('io-floor');
    const pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    await pg.query(
      `CREATE TABLE floor_frame (id uuid PRIMARY KEY, camera_id text NOT NULL, object_key text NOT NULL, sha256 text NOT NULL, byte_size integer NOT NULL, ingested_at timestamptz NOT NULL DEFAULT now())`,
    );
    await pg.query(`CREATE TABLE floor_detection (frame_id uuid NOT NULL REFERENCES floor_frame (id), ordinal integer NOT NULL, class_name text NOT NULL, score double precision NOT NULL,
                      x1 double precision NOT NULL, y1 double precision NOT NULL, x2 double precision NOT NULL, y2 double precision NOT NULL, PRIMARY KEY (frame_id, ordinal))`);
    await pg.end();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    });
    if (!(await minio.bucketExists(s3.bucket))) await minio.makeBucket(s3.bucket, s3.region);

    const generator = createPcbBoardGenerator({ seed: 1, board: 0 });
    const frames = await Promise.all(Array.from({ length: 50 }, (_, i) => encodeImage(generator.generate(i).image, 'jpeg')));
    const meanKb = frames.reduce((n, f) => n + f.length, 0) / frames.length / 1024;
    progress(
      `frames: 50 PCB boards as JPEG (${meanKb.toFixed(0)} KB on average), cycled; ${CAMERA_COUNT} cameras, ${DETECTIONS} detections stored per frame`,
    );

    services = ServiceProcess.start({
      entry: 'e2e/bench/io-floor.services.ts',
      port: await freePort(),
      env: { ...process.env, FLOOR_RUN: run, FLOOR_DETECTIONS: String(DETECTIONS), ARGUS_DATABASE_URL: db.url },
    });
    await services.waitForStatus('/health/ready', 200, 60_000);
    const floor = services;
    const processed = async () => (JSON.parse((await floor.get('/health/ready'))?.text ?? '{}') as { processed?: number }).processed ?? 0;
    const client = new FrameUploadClient(floor.url(''), 'unused');
    const cameras = Array.from({ length: CAMERA_COUNT }, (_, i) => `floor-${i + 1}`);

    const infra = infraPids();
    const cpuNow = (): Record<Consumer, number | undefined> => ({
      floor: cpuSecondsOf(floor.pid),
      ...infraCpuSeconds(infra),
      driver: cpuSecondsOf(process.pid),
      machine: machineBusySeconds(),
    });
    /** Sends `rate` frames/s for `seconds`, then waits until all accepted frames are processed. */
    const drive = async (rate: number, seconds: number, label: string) => {
      const before = await processed();
      const count = Math.round(rate * seconds);
      let accepted = 0;
      const t0 = performance.now();
      const run = await sendPaced({
        count,
        rate,
        maxInFlight: MAX_IN_FLIGHT,
        send: async (i) => {
          const a = await client.upload('floor', cameras[i % cameras.length] as string, frames[i % frames.length] as Buffer, 'image/jpeg');
          if (a.status !== 202) return `HTTP ${a.status}: ${a.text.slice(0, 160)}`;
          accepted++;
          return undefined;
        },
        onProgress: (elapsedS) =>
          progress(
            `  ${label}: ${elapsedS.toFixed(0)}/${seconds} s, ${accepted} accepted, ETA ${Math.max(0, seconds - elapsedS).toFixed(0)} s`,
          ),
      });
      await pollUntil(
        `${label}: every accepted frame processed`,
        async () => ((await processed()) - before >= accepted ? true : undefined),
        {
          timeoutMs: 120_000,
          intervalMs: 100,
        },
      );
      for (const [reason, n] of run.refusals) progress(`  ${n} frame(s) not accepted: ${reason}`);
      return { count, accepted, sentFor: run.elapsedS, drainedAfter: (performance.now() - t0) / 1000 };
    };

    progress('warm-up: 40 frames/s for 10 s (connections, JIT)…');
    await drive(40, 10, 'warm-up');
    progress(`driving ${RATE} frames/s for ${WINDOW_S} s…`);
    const start = cpuNow();
    const d = await drive(RATE, WINDOW_S, 'window');
    const end = cpuNow();
    const perFrame: Partial<Record<Consumer, number>> = {};
    for (const name of Object.keys(NAMES) as Consumer[]) {
      const [a, b] = [start[name], end[name]];
      if (a !== undefined && b !== undefined && d.accepted > 0) perFrame[name] = (1000 * (b - a)) / d.accepted;
    }
    const ms = (name: Consumer) => (perFrame[name] === undefined ? 'n/a' : `${(perFrame[name] as number).toFixed(2)} ms`);
    console.log('');
    console.log(
      `window:   ${d.accepted}/${d.count} frames accepted at ${RATE} frames/s; all processed ${(d.drainedAfter - d.sentFor).toFixed(1)} s after the last upload was answered`,
    );
    console.log(
      `cpu:      per frame from the window's start until every frame was processed: ${(Object.keys(NAMES) as Consumer[]).map((n) => `${NAMES[n]} ${ms(n)}`).join(', ')}`,
    );
    const { floor: f, kafka: k, s3proxy: s, postgres: p, driver: dr } = perFrame;
    if (f !== undefined && k !== undefined && s !== undefined && p !== undefined && dr !== undefined) {
      const rest = f + k + s + p + dr;
      console.log(
        `floor:    ${rest.toFixed(2)} ms of CPU per frame beyond the model: the bare services ${f.toFixed(2)} + Kafka, S3Proxy, Postgres and the driver ${(k + s + p + dr).toFixed(2)}`,
      );
      if (MODEL_MS !== undefined) {
        const cores = os.availableParallelism();
        const modelFps = MODEL_FPS ?? (1000 * cores) / MODEL_MS;
        const fps = Math.min(modelFps, (1000 * cores) / (MODEL_MS + rest));
        console.log(
          `bound:    the model at ${MODEL_MS} ms of CPU per frame, ${modelFps.toFixed(1)} frames/s alone${MODEL_FPS === undefined ? ' (its cores kept busy)' : ''}: ` +
            `${cores} cores ÷ (${MODEL_MS} + ${rest.toFixed(2)} ms) = ${fps.toFixed(1)} frames/s at most, a ratio of at most ${(fps / modelFps).toFixed(3)} on this machine`,
        );
      } else {
        console.log(
          `bound:    set BENCH_MODEL_MS (the model's CPU per frame, from bench:pipeline's ceiling line) for the best ratio these parts allow`,
        );
      }
    }
  } finally {
    progress('cleaning up…');
    if (services) {
      services.signal('SIGTERM');
      await services.waitForExit(15_000).catch(() => services?.kill());
    }
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    const keys: string[] = [];
    for await (const item of minio.listObjectsV2(s3.bucket, `io-floor-${run}/`, true))
      if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
    for (let i = 0; i < keys.length; i += 1000) await minio.removeObjects(s3.bucket, keys.slice(i, i + 1000));
    await db?.drop();
    stopLocalInfra(localInfra, progress);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
