import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type Detection, type MessageOf, type TopicContract, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, MESSAGE_BUS, type MessageBus, PIPELINE_HEALTH } from '@argus/messaging';
import {
  AlertRepository,
  createThrowawayDatabase,
  DATABASE,
  databaseConfigFromEnv,
  FrameRepository,
  LineRepository,
  type ModelEvaluation,
  ModelRegistryRepository,
  ReviewRepository,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import {
  createLogger,
  combineErrorHttpStatus,
  HttpErrorFilter,
  LifecycleState,
  PlatformCoreModule,
  Secret,
  ShutdownRegistry,
} from '@argus/platform';
import { ModelPromotionService } from '@argus/registry';
import { MinioObjectStore, OBJECT_STORE, type ObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { CONSOLE_ERROR_DOMAINS } from '../console.errors';
import { IdentityModule } from '../identity/identity.module';
import { ModelGovernanceModule } from '../models/model-governance.module';
import { NewLineModule } from '../onboarding/new-line.module';
import { ReviewQueueModule } from '../reviews/review-queue.module';
import { SearchesModule } from '../searches/searches.module';
import { ContinualTrainingModule } from '../training/continual-training.module';

export const silentLogger = createLogger({ service: 'console-test', version: '0.0.0', level: 'silent' });
const ADMIN = { username: 'admin', password: 'admin-password-0001' };

/** A tiny PNG header is enough: the console streams bytes, it never decodes them. */
export function pngBytes(seed: string): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`argus-console-test ${seed}`)]);
}

/**
 * The console's review and model features on the real infrastructure of infra/local (one
 * throw-away database per test file, the shared Kafka and S3), with the real identity module:
 * users sign in with passwords and act through their session cookies, as the browser does.
 */
export class ConsoleApiHarness {
  readonly runId = randomBytes(3).toString('hex');
  database!: ThrowawayDatabase;
  store!: ObjectStore;
  bus!: MessageBus;
  url!: string;
  readonly lines = () => new LineRepository(this.database.dataSource);
  readonly frames = () => new FrameRepository(this.database.dataSource);
  readonly alerts = () => new AlertRepository(this.database.dataSource);
  readonly reviews = () => new ReviewRepository(this.database.dataSource);
  readonly registry = () => new ModelRegistryRepository(this.database.dataSource);
  /** Promotes as the console does, without announcing it (tests set up production pointers with it). */
  readonly promotions = () => new ModelPromotionService(this.registry(), { publish: async () => undefined });
  private readonly closers: (() => Promise<unknown>)[] = [];
  private readonly cookies = new Map<string, string>();

  async start(): Promise<void> {
    this.database = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'console-it'));
    await runMigrations(this.database.dataSource);
    this.store = new MinioObjectStore(s3ConfigFromEnv(process.env));
    await this.store.ensureBucket();
    this.bus = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `console-it-${this.runId}` }),
      logger: silentLogger,
    });
    await this.bus.ensureTopics([Topics.alertRaised, Topics.reviewSubmitted, Topics.modelPromoted]);

    const adapters = adaptersModule(this.database, this.store, this.bus);
    const registry = new ShutdownRegistry();
    @Module({
      imports: [
        PlatformCoreModule.forRoot({ logger: silentLogger, registry, state: new LifecycleState() }),
        IdentityModule.register({
          settings: {
            sessionTtlMinutes: 60,
            cookie: { secure: false },
            firstAdmin: { username: ADMIN.username, password: new Secret(ADMIN.password) },
          },
          imports: [adapters],
        }),
        ReviewQueueModule.register({ imports: [adapters], settings: { sseGroupId: `console-sse-it-${this.runId}`, pingIntervalMs: 500 } }),
        ModelGovernanceModule.register({ imports: [adapters] }),
        ContinualTrainingModule.register({
          imports: [adapters],
          settings: { sseGroupId: `console-sse-it-${this.runId}`, pingIntervalMs: 500 },
        }),
        SearchesModule.register({ imports: [adapters] }),
        NewLineModule.register({ imports: [adapters], adaptation: { defaultStart: 'finetune', budgetSeconds: 120 } }),
      ],
    })
    class ConsoleTestRootModule {}
    const app = await NestFactory.create<NestExpressApplication>(ConsoleTestRootModule, { logger: false, abortOnError: false });
    app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter(), silentLogger, combineErrorHttpStatus(...CONSOLE_ERROR_DOMAINS)));
    await app.listen(0, '127.0.0.1');
    const address = (app.getHttpServer() as Server).address();
    if (!address || typeof address === 'string') throw new Error('no port');
    this.url = `http://127.0.0.1:${address.port}`;
    this.closers.push(async () => {
      await registry.closeAll(10_000);
      await app.close();
    });
  }

  /** Signs in as the first admin, creates a user of each role and signs each in. */
  async signInEveryone(): Promise<void> {
    await this.waitForLogin(ADMIN.username, ADMIN.password);
    for (const role of ['operator', 'ml-engineer'] as const) {
      const username = `${role.replace('-', '')}${this.runId}`;
      const password = `${role}-password-1`;
      const created = await this.request('admin', 'POST', '/api/v1/users', { username, displayName: role, role, password });
      if (created.status !== 201) throw new Error(`creating ${role}: ${created.status} ${JSON.stringify(created.body)}`);
      await this.waitForLogin(username, password, role);
    }
  }

  /** A JSON request as `who` (a signed-in role, or 'anonymous'). The body is read field by field by the tests. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async request(who: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
    const cookie = this.cookies.get(who);
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (images): keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** Raw bytes of a GET as `who`. */
  async bytes(who: string, path: string): Promise<{ status: number; contentType: string | null; bytes: Buffer }> {
    const cookie = this.cookies.get(who);
    const response = await fetch(`${this.url}${path}`, { headers: cookie ? { cookie } : {} });
    return { status: response.status, contentType: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  }

  cookieOf(who: string): string {
    const cookie = this.cookies.get(who);
    if (!cookie) throw new Error(`${who} is not signed in`);
    return cookie;
  }

  /** A line `<name>-<runId>` with cameras, and optionally a golden template stored in S3. */
  async line(name: string, cameras: string[], template?: Buffer): Promise<string> {
    const lineId = `${name}-${this.runId}`;
    await this.lines().upsertLine({ id: lineId, name });
    for (const cameraId of cameras) await this.lines().addCamera({ lineId, id: cameraId, name: cameraId });
    if (template) {
      const key = `console-it/${lineId}/template.png`;
      await this.store.put(key, template, { contentType: 'image/png' });
      await this.lines().setTemplate(lineId, { objectKey: key, width: 640, height: 480 });
    }
    return lineId;
  }

  /** A frame stored in S3 and recorded, as camera-ingest would. */
  async frame(
    lineId: string,
    cameraId: string,
    options: { templateKey?: string | null; bytes?: Buffer } = {},
  ): Promise<{ frameId: string; bytes: Buffer; objectKey: string }> {
    const id = randomUUID();
    const bytes = options.bytes ?? pngBytes(id);
    const objectKey = `console-it/${lineId}/${cameraId}/${id}.png`;
    await this.store.put(objectKey, bytes, { contentType: 'image/png' });
    const { frame } = await this.frames().recordIngested({
      id,
      lineId,
      cameraId,
      objectKey,
      contentType: 'image/png',
      templateKey: options.templateKey ?? null,
      width: 640,
      height: 480,
      byteSize: bytes.length,
      sha256: randomBytes(32).toString('hex'),
      capturedAt: new Date(),
    });
    return { frameId: frame.id, bytes, objectKey };
  }

  /** A registered model version (with an evaluation when given). */
  async model(
    name: string,
    version: string,
    classes: string[],
    evaluation: ModelEvaluation | null = null,
    parentVersionId: string | null = null,
  ) {
    const { version: v } = await this.registry().register({
      name: `${name}-${this.runId}`,
      version,
      artifactKey: `models/${name}-${this.runId}/${version}`,
      classes,
      backend: 'onnx',
      metrics: evaluation ? { map50: evaluation.map50, map: evaluation.map } : {},
      parentVersionId,
      trainingDataFingerprint: `fp-${version}`,
      trainingData: { source: `synthetic:${name}`, fingerprint: `fp-${version}`, split: 'validation' },
      evaluation,
    });
    return v;
  }

  async alert(
    frameId: string,
    lineId: string,
    cameraId: string,
    modelVersionId: string,
    severity: 'low' | 'medium' | 'high' | 'critical',
    detections: Detection[],
  ) {
    return (await this.alerts().raiseOnce({ frameId, lineId, cameraId, modelVersionId, severity, detections })).alert;
  }

  /**
   * Every message of `topic` from its beginning that `keep` accepts, collected by a fresh consumer
   * group (as another service would read them).
   */
  async collect<T extends TopicContract>(topic: T, keep: (message: MessageOf<T>) => boolean): Promise<MessageOf<T>[]> {
    const seen: MessageOf<T>[] = [];
    const bus = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `console-it-read-${this.runId}` }),
      logger: silentLogger,
    });
    await bus.subscribe(topic, {
      groupId: `console-it-read-${topic.name}-${this.runId}`,
      fromBeginning: true,
      retry: { attempts: 1, initialBackoffMs: 10, maxBackoffMs: 10 },
      handler: (message) => {
        if (keep(message)) seen.push(message);
      },
    });
    await bus.start();
    this.closers.push(() => bus.stop());
    return seen;
  }

  async stop(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    await this.bus?.stop();
    await this.database?.drop();
  }

  private async waitForLogin(username: string, password: string, as = username): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const response = await fetch(`${this.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (response.status === 200) {
        const setCookie = response.headers.get('set-cookie') ?? '';
        const cookie = setCookie.split(';')[0];
        if (!cookie) throw new Error('login answered no cookie');
        this.cookies.set(as, cookie);
        return;
      }
      // The first admin is created by a start-up task: wait for it.
      if (Date.now() > deadline) throw new Error(`login of ${username}: ${response.status} ${await response.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function adaptersModule(database: ThrowawayDatabase, store: ObjectStore, bus: MessageBus): DynamicModule {
  @Global()
  @Module({})
  class ConsoleTestAdaptersModule {}
  return {
    module: ConsoleTestAdaptersModule,
    providers: [
      { provide: DATABASE, useValue: database.dataSource },
      { provide: OBJECT_STORE, useValue: store },
      { provide: MESSAGE_BUS, useValue: bus },
      { provide: PIPELINE_HEALTH, useValue: bus },
    ],
    exports: [DATABASE, OBJECT_STORE, MESSAGE_BUS, PIPELINE_HEALTH],
  };
}
