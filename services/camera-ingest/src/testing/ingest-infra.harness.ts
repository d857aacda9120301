import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type FrameIngestedV1, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import {
  createThrowawayDatabase,
  DATABASE,
  databaseConfigFromEnv,
  FrameRepository,
  LineRepository,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import {
  combineErrorHttpStatus,
  createLogger,
  HttpErrorFilter,
  LifecycleState,
  PlatformCoreModule,
  Secret,
  ShutdownRegistry,
} from '@argus/platform';
import { MinioObjectStore, OBJECT_STORE, type ObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { CAMERA_INGEST_ERROR_DOMAINS } from '../ingest/frame-ingest.errors';
import type { IngestFrameSettings } from '../ingest/ingest-frame.use-case';
import { IngestModule } from '../ingest/ingest.module';

export const TEST_CAMERA_TOKEN = 'integration-camera-token-0001';
export const silentLogger = createLogger({ service: 'camera-ingest-test', version: '0.0.0', level: 'silent' });

export const defaultTestSettings: IngestFrameSettings = {
  maxFrameBytes: 256 * 1024,
  dimensions: { minDimension: 16, maxDimension: 4096 },
  retryAfterSeconds: 3,
  publishTimeoutMs: 4000,
};

/** The real infrastructure of infra/local, one throw-away database per test file. */
export class IngestInfraHarness {
  readonly runId = randomBytes(3).toString('hex');
  database!: ThrowawayDatabase;
  store!: ObjectStore;
  bus!: MessageBus;
  lines!: LineRepository;
  frames!: FrameRepository;
  /** frame-ingested events of this run's lines, read from the real topic by a fresh consumer group. */
  readonly events: FrameIngestedV1[] = [];
  private readonly closers: (() => Promise<unknown>)[] = [];

  async start(): Promise<void> {
    this.database = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'camera-ingest-it'));
    await runMigrations(this.database.dataSource);
    this.lines = new LineRepository(this.database.dataSource);
    this.frames = new FrameRepository(this.database.dataSource);
    this.store = new MinioObjectStore(s3ConfigFromEnv(process.env));
    await this.store.ensureBucket();
    this.bus = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `camera-ingest-it-${this.runId}` }),
      logger: silentLogger,
    });
    await this.bus.ensureTopics([Topics.frameIngested]);
    await this.bus.subscribe(Topics.frameIngested, {
      groupId: `camera-ingest-it-${this.runId}`,
      fromBeginning: true,
      retry: { attempts: 1, initialBackoffMs: 10, maxBackoffMs: 10 },
      handler: (event) => {
        if (event.lineId.endsWith(`-${this.runId}`)) this.events.push(Topics.frameIngested.schema.parse(event));
      },
    });
    await this.bus.start();
  }

  /** A line `<name>-<runId>` with the given cameras. */
  async line(name: string, cameras: string[]): Promise<string> {
    const lineId = `${name}-${this.runId}`;
    await this.lines.upsertLine({ id: lineId, name });
    for (const cameraId of cameras) await this.lines.addCamera({ lineId, id: cameraId, name: cameraId });
    return lineId;
  }

  /** The HTTP app in-process (what bootstrapService builds, without the process hooks), on a random port. */
  async app(
    overrides: { store?: ObjectStore; bus?: MessageBus; settings?: IngestFrameSettings } = {},
  ): Promise<{ app: NestExpressApplication; url: string }> {
    const adapters = adaptersModule(this.database, overrides.store ?? this.store, overrides.bus ?? this.bus);
    const registry = new ShutdownRegistry();
    @Module({
      imports: [
        PlatformCoreModule.forRoot({ logger: silentLogger, registry, state: new LifecycleState() }),
        IngestModule.register({
          settings: overrides.settings ?? defaultTestSettings,
          cameraToken: new Secret(TEST_CAMERA_TOKEN),
          imports: [adapters],
        }),
      ],
    })
    class IngestTestRootModule {}
    const app = await NestFactory.create<NestExpressApplication>(IngestTestRootModule, { logger: false, abortOnError: false });
    app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter(), silentLogger, combineErrorHttpStatus(...CAMERA_INGEST_ERROR_DOMAINS)));
    await app.listen(0, '127.0.0.1');
    const address = (app.getHttpServer() as Server).address();
    if (!address || typeof address === 'string') throw new Error('no port');
    this.closers.push(async () => {
      await registry.closeAll(10_000);
      await app.close();
    });
    return { app, url: `http://127.0.0.1:${address.port}` };
  }

  onClose(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  async stop(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    await this.bus?.stop();
    await this.database?.drop();
  }
}

function adaptersModule(database: ThrowawayDatabase, store: ObjectStore, bus: MessageBus): DynamicModule {
  @Global()
  @Module({})
  class TestAdaptersModule {}
  return {
    module: TestAdaptersModule,
    providers: [
      { provide: DATABASE, useValue: database.dataSource },
      { provide: OBJECT_STORE, useValue: store },
      { provide: MESSAGE_BUS, useValue: bus },
    ],
    exports: [DATABASE, OBJECT_STORE, MESSAGE_BUS],
  };
}
