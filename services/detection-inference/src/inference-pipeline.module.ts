import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import {
  AlertRepository,
  CameraAlertHistoryRepository,
  DetectionRepository,
  FrameRepository,
  LineRepository,
  ModelRegistryRepository,
  repositoryProviders,
  ShadowModelRepository,
} from '@argus/persistence';
import { LOGGER, type Logger, type ReadinessCheck, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import type { DetectionInferenceEnv } from './config';
import { InferencePipeline, type InferenceRepositories } from './inference.pipeline';

export const INFERENCE_PIPELINE = Symbol('INFERENCE_PIPELINE');
/** "inference": shipped models registered and the consumers subscribed. */
export const INFERENCE_READINESS = Symbol('INFERENCE_READINESS');
const INFERENCE_REPOSITORIES = Symbol('INFERENCE_REPOSITORIES');

/**
 * The inference feature without its adapters: `imports` must export MESSAGE_BUS, OBJECT_STORE and
 * DATABASE. detection-inference imports it with the adapters it builds from its configuration;
 * the embedded mode (services/embedded) with the ones it shares between the services of one process.
 *
 * Start-up (in the background, retried until Kafka, S3 and Postgres answer; INFERENCE_READINESS
 * says "inference" is down until then): topics, shipped-model registration, the consumers, bus
 * start. Shutdown: stop consuming (in-flight frames finish and are committed), close the model worker.
 */
@Module({})
export class InferencePipelineModule {
  static register(config: DetectionInferenceEnv, imports: DynamicModule[]): DynamicModule {
    const repositories = [
      ModelRegistryRepository,
      LineRepository,
      FrameRepository,
      AlertRepository,
      DetectionRepository,
      CameraAlertHistoryRepository,
      ShadowModelRepository,
    ] as const;
    const pipelineProviders = [
      ...repositoryProviders(...repositories),
      {
        provide: INFERENCE_REPOSITORIES,
        inject: [...repositories],
        useFactory: (
          registry: ModelRegistryRepository,
          lines: LineRepository,
          frames: FrameRepository,
          alerts: AlertRepository,
          detections: DetectionRepository,
          alertHistory: CameraAlertHistoryRepository,
          shadows: ShadowModelRepository,
        ): InferenceRepositories => ({ registry, lines, frames, alerts, detections, alertHistory, shadows }),
      },
      {
        provide: INFERENCE_PIPELINE,
        inject: [MESSAGE_BUS, OBJECT_STORE, INFERENCE_REPOSITORIES, LOGGER, ShutdownRegistry],
        useFactory: (
          bus: MessageBus,
          store: ObjectStore,
          repositories: InferenceRepositories,
          logger: Logger,
          registry: ShutdownRegistry,
        ) => {
          const log = logger.child({ component: 'inference' });
          const pipeline = new InferencePipeline({
            bus,
            store,
            repositories,
            logger: log,
            settings: {
              batchMax: config.ARGUS_INFER_BATCH_MAX,
              batchWaitMs: config.ARGUS_INFER_BATCH_WAIT_MS,
              concurrency: config.ARGUS_INFER_CONCURRENCY,
              camerasPerPartition: config.ARGUS_INFER_CAMERAS_PER_PARTITION,
              readAheadPerCamera: config.ARGUS_INFER_READ_AHEAD,
              statsIntervalMs: config.ARGUS_INFER_STATS_INTERVAL_MS,
              workers: config.ARGUS_INFER_WORKERS,
              threads: config.ARGUS_INFER_THREADS,
              heapGrowingPercent: config.ARGUS_INFER_HEAP_GROWING_PERCENT,
              pointerTtlMs: config.ARGUS_INFER_MODEL_POINTER_TTL_MS,
              linePolicyTtlMs: config.ARGUS_INFER_LINE_POLICY_TTL_MS,
              modelCacheDir: config.ARGUS_MODEL_CACHE_DIR,
              ...(config.ARGUS_MODELS_DIR === '' ? {} : { modelsDir: config.ARGUS_MODELS_DIR }),
              instanceId: config.ARGUS_INSTANCE_ID,
              groupId: config.ARGUS_INFER_GROUP_ID,
              shadowShare: config.ARGUS_INFER_SHADOW_SHARE,
              shadowPointerTtlMs: config.ARGUS_INFER_SHADOW_POINTER_TTL_MS,
            },
          });
          const startup = new RetryingStartupTask(
            'start inference',
            async () => {
              await pipeline.prepare();
              await bus.start();
            },
            { logger: log },
          );
          registry.register({
            name: 'inference-consumers',
            order: ShutdownOrder.stopConsuming,
            close: async () => {
              await startup.stop();
              await pipeline.stop();
            },
          });
          void startup.start();
          const readiness: ReadinessCheck = { name: 'inference', check: async () => startup.assertDone() };
          return { pipeline, readiness };
        },
      },
      { provide: INFERENCE_READINESS, inject: [INFERENCE_PIPELINE], useFactory: (p: { readiness: ReadinessCheck }) => p.readiness },
    ];
    return { module: InferencePipelineModule, imports, providers: pipelineProviders, exports: [INFERENCE_PIPELINE, INFERENCE_READINESS] };
  }
}
