import { type DynamicModule, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { FrameRetentionRepository, LineRepository, repositoryProviders } from '@argus/persistence';
import { LOGGER, type Logger, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import type { CameraIngestEnv } from '../config';
import { type FrameRetentionSettings, FrameRetentionUseCase } from './frame-retention.use-case';
import { FrameRetentionWorker } from './frame-retention.worker';

const RETENTION_WORKER = Symbol('FRAME_RETENTION_WORKER');

/** An object modified later than this after its frame's row was recorded is left (see FrameRetentionSettings.objectGraceMs). */
const OBJECT_GRACE_MS = 60_000;

export interface RetentionModuleOptions {
  readonly settings: FrameRetentionSettings;
  /** Between passes; 0: retention off. */
  readonly intervalMs: number;
  /** Modules exporting DATABASE and OBJECT_STORE. */
  readonly imports: DynamicModule[];
}

/** The retention settings as camera-ingest's configuration sets them. */
export function retentionSettingsOf(config: CameraIngestEnv): Omit<RetentionModuleOptions, 'imports'> {
  return {
    intervalMs: config.ARGUS_RETENTION_INTERVAL_SECONDS * 1000,
    settings: {
      defaults: {
        maxAgeMs: config.ARGUS_RETENTION_MAX_AGE,
        alertedMaxAgeMs: config.ARGUS_RETENTION_ALERTED_MAX_AGE,
        reviewedMaxAgeMs: config.ARGUS_RETENTION_REVIEWED_MAX_AGE,
        maxBytes: config.ARGUS_RETENTION_MAX_BYTES_PER_LINE,
      },
      batchSize: config.ARGUS_RETENTION_BATCH_SIZE,
      batchPauseMs: config.ARGUS_RETENTION_BATCH_PAUSE_MS,
      minAgeMs: config.ARGUS_RETENTION_MIN_AGE ?? 0,
      objectGraceMs: OBJECT_GRACE_MS,
    },
  };
}

/**
 * Frame retention: the worker that deletes expired frames with their rows and objects
 * (`FrameRetentionUseCase`), started once the application is up, stopped first on SIGTERM after
 * its current batch. camera-ingest owns frames, so it runs here (and so in the embedded mode).
 */
@Module({})
export class RetentionModule implements OnApplicationBootstrap {
  constructor(@Inject(RETENTION_WORKER) private readonly worker: FrameRetentionWorker) {}

  static register(options: RetentionModuleOptions): DynamicModule {
    return {
      module: RetentionModule,
      imports: options.imports,
      providers: [
        ...repositoryProviders(LineRepository, FrameRetentionRepository),
        {
          provide: FrameRetentionUseCase,
          inject: [LineRepository, FrameRetentionRepository, OBJECT_STORE, LOGGER],
          useFactory: (lines: LineRepository, frames: FrameRetentionRepository, store: ObjectStore, logger: Logger) =>
            new FrameRetentionUseCase(
              lines,
              frames,
              store,
              { now: () => new Date() },
              logger.child({ component: 'frame-retention' }),
              options.settings,
            ),
        },
        {
          provide: RETENTION_WORKER,
          inject: [FrameRetentionUseCase, LOGGER, ShutdownRegistry],
          useFactory: (useCase: FrameRetentionUseCase, logger: Logger, registry: ShutdownRegistry) => {
            const log = logger.child({ component: 'frame-retention' });
            const worker = new FrameRetentionWorker(useCase, log, options.intervalMs);
            registry.register({ name: 'frame-retention', order: ShutdownOrder.stopConsuming, close: () => worker.stop() });
            return worker;
          },
        },
      ],
      exports: [RETENTION_WORKER],
    };
  }

  onApplicationBootstrap(): void {
    this.worker.start();
  }
}
