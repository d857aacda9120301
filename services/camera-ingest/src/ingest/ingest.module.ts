import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import { FrameRepository, LineRepository, repositoryProviders, ServiceTokenRepository } from '@argus/persistence';
import { Topics } from '@argus/contracts';
import { LOGGER, type Logger, RetryingStartupTask, type Secret, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import { CachedCameraTokenDirectory, CAMERA_TOKEN_DIRECTORY } from '../http/camera-token.directory';
import { CameraTokenGuard } from '../http/camera-token.guard';
import { FramesController } from '../http/frames.controller';
import { type Clock, type IngestFrameSettings, IngestFrameUseCase, type IngestTargetLookup } from './ingest-frame.use-case';
import { CachedIngestTargets } from './ingest-target.cache';
import { CAMERA_TOKEN, FRAME_LEDGER, INGEST_CLOCK, INGEST_SETTINGS, INGEST_TARGETS } from './ingest.tokens';

export interface IngestModuleOptions {
  readonly settings: IngestFrameSettings;
  readonly cameraToken: Secret;
  /** The modules that export MESSAGE_BUS, OBJECT_STORE and DATABASE. */
  readonly imports: DynamicModule[];
}

const FRAME_TOPIC_SETUP = Symbol('FRAME_TOPIC_SETUP');
const systemClock: Clock = { now: () => new Date() };

/** The ingest feature: the use case, its adapters, and the HTTP upload endpoint. */
@Module({})
export class IngestModule {
  static register(options: IngestModuleOptions): DynamicModule {
    return {
      module: IngestModule,
      imports: options.imports,
      controllers: [FramesController],
      providers: [
        { provide: INGEST_SETTINGS, useValue: options.settings },
        { provide: CAMERA_TOKEN, useValue: options.cameraToken },
        { provide: INGEST_CLOCK, useValue: systemClock },
        ...repositoryProviders(LineRepository, FrameRepository, ServiceTokenRepository),
        { provide: INGEST_TARGETS, inject: [LineRepository], useFactory: (lines: LineRepository) => new CachedIngestTargets(lines) },
        { provide: FRAME_LEDGER, useExisting: FrameRepository },
        {
          provide: IngestFrameUseCase,
          inject: [INGEST_TARGETS, FRAME_LEDGER, OBJECT_STORE, MESSAGE_BUS, INGEST_CLOCK, INGEST_SETTINGS],
          useFactory: (
            targets: IngestTargetLookup,
            frames: FrameRepository,
            store: ObjectStore,
            bus: MessageBus,
            clock: Clock,
            settings: IngestFrameSettings,
          ) => new IngestFrameUseCase(targets, frames, store, bus, clock, settings),
        },
        {
          // The console's camera service tokens, besides ARGUS_CAMERA_TOKEN.
          provide: CAMERA_TOKEN_DIRECTORY,
          inject: [ServiceTokenRepository, LOGGER],
          useFactory: (tokens: ServiceTokenRepository, logger: Logger) => new CachedCameraTokenDirectory(tokens, logger),
        },
        CameraTokenGuard,
        {
          // frame-ingested and its .dlq exist before the first publish (the producer does not auto-create).
          provide: FRAME_TOPIC_SETUP,
          inject: [MESSAGE_BUS, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, logger: Logger, registry: ShutdownRegistry) => {
            const setup = new RetryingStartupTask('create topic frame-ingested', () => bus.ensureTopics([Topics.frameIngested]), {
              logger,
            });
            registry.register({ name: 'frame-topic-setup', order: ShutdownOrder.stopConsuming, close: () => setup.stop() });
            void setup.start();
            return setup;
          },
        },
      ],
      exports: [IngestFrameUseCase, INGEST_TARGETS],
    };
  }
}
