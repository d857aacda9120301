import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS } from '@argus/messaging';
import { DATABASE_READINESS } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS } from '@argus/storage';
import type { EmbeddedAdapters } from './adapters/embedded-adapters';
import { EmbeddedAdaptersModule } from './adapters/embedded-adapters.module';
import { DemoReviewerModule, type DemoReviewerModuleOptions } from './demo-reviewer/demo-reviewer.module';
import {
  type CameraIngestEnv,
  type ConsoleEnv,
  type ContinualFineTuneEnv,
  ConsoleFeaturesModule,
  type DetectionInferenceEnv,
  INFERENCE_READINESS,
  InferencePipelineModule,
  IngestModule,
  type IngestSourceConfig,
  LabelsModule,
  AuditSamplingModule,
  TrainerWorkerModule,
  filesystemTrainerStoreLocation,
  s3TrainerStoreLocation,
  type TrainerStoreLocation,
  ingestSettingsOf,
  RetentionModule,
  retentionSettingsOf,
  SourcesModule,
} from './service-modules.imports';
import { PipelineStatusModule } from './status/pipeline-status.module';

/** Where the trainer thread opens its own client of the process's store (S3, or the data folder's). */
function trainerStoreLocationOf(adapters: EmbeddedAdapters): TrainerStoreLocation {
  const { storeConfig } = adapters;
  return storeConfig.kind === 's3' ? s3TrainerStoreLocation(storeConfig.config) : filesystemTrainerStoreLocation(storeConfig.config);
}

export interface EmbeddedSystemOptions {
  readonly adapters: EmbeddedAdapters;
  readonly cameraIngest: CameraIngestEnv;
  /** ARGUS_MODELS_DIR already resolved (shipped models, or the placeholder). */
  readonly detectionInference: DetectionInferenceEnv;
  /** The simulated cameras; undefined: ARGUS_INGEST_SOURCES's file (or none). */
  readonly sources: readonly IngestSourceConfig[] | undefined;
  readonly readinessCheckTimeoutMs: number;
  /** The console's variables, its first admin included. */
  readonly console: ConsoleEnv;
  /** continual-fine-tune's variables (embedded defaults applied); undefined: ARGUS_CONTINUAL=off. */
  readonly continual?: ContinualFineTuneEnv;
  /** The scripted reviewer (ARGUS_DEMO_REVIEWER=on, simulated cameras only). */
  readonly demoReviewer?: Omit<DemoReviewerModuleOptions, 'imports'>;
}

/**
 * The composition root of `npm start`: camera-ingest's ingest feature and sources,
 * detection-inference's pipeline, and the console's API (its web UI and OpenAPI are added in main.ts), wired to one set of shared adapters in one Nest application
 * (one HTTP server: the camera upload endpoint and /health/live, /health/ready covering everything),
 * plus continual-fine-tune's labels, triggers and a trainer worker (unless ARGUS_CONTINUAL=off),
 * the scripted demo reviewer when asked for, and the status monitor. The services' own modules
 * are used as they are; only their adapters and health endpoints are replaced.
 */
@Module({})
export class EmbeddedSystemModule {
  static register(options: EmbeddedSystemOptions): DynamicModule {
    const adapters = EmbeddedAdaptersModule.register(options.adapters);
    const ingest = IngestModule.register({
      settings: ingestSettingsOf(options.cameraIngest),
      cameraToken: options.cameraIngest.ARGUS_CAMERA_TOKEN,
      imports: [adapters],
    });
    const sources = SourcesModule.register({
      sourcesFile: options.cameraIngest.ARGUS_INGEST_SOURCES,
      ...(options.sources ? { sources: options.sources } : {}),
      imports: [ingest, adapters],
    });
    const inference = InferencePipelineModule.register(options.detectionInference, [adapters]);
    return {
      module: EmbeddedSystemModule,
      imports: [
        adapters,
        ingest,
        sources,
        // camera-ingest's frame retention, on the same adapters (the embedded defaults: embedded.config.ts).
        RetentionModule.register({ ...retentionSettingsOf(options.cameraIngest), imports: [adapters] }),
        inference,
        ConsoleFeaturesModule.register({ env: options.console, adapters: [adapters] }),
        // The trainer trains in a worker thread of its own (ARGUS_FINETUNE_TRAIN_IN_THREAD, on by
        // default), on its own client of the same store, so a job does not stall the pipeline's
        // event loop; the embedded defaults keep a job to a few epochs of a small data set.
        ...(options.continual
          ? [
              LabelsModule.register(options.continual, [adapters]),
              // The audit sample: scored frames without an alert → audit items in the console's audit queue.
              ...(options.continual.ARGUS_CONTINUAL_AUDIT ? [AuditSamplingModule.register(options.continual, [adapters])] : []),
              TrainerWorkerModule.register(options.continual, [adapters], trainerStoreLocationOf(options.adapters)),
            ]
          : []),
        ...(options.demoReviewer ? [DemoReviewerModule.register({ ...options.demoReviewer, imports: [adapters] })] : []),
        PipelineStatusModule.register([adapters]),
        HealthModule.register({
          imports: [adapters, inference],
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS, INFERENCE_READINESS],
          checkTimeoutMs: options.readinessCheckTimeoutMs,
        }),
      ],
    };
  }
}
