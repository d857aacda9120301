import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS, MESSAGE_BUS_READINESS, type MessageBus, MessagingModule } from '@argus/messaging';
import { DATABASE, DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule, LOGGER, type Logger, type ReadinessCheck, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, OBJECT_STORE_READINESS, type ObjectStore, ObjectStoreModule } from '@argus/storage';
import type { DetectionInferenceConfig } from './config';
import { InferencePipeline } from './inference.pipeline';

export const INFERENCE_PIPELINE = Symbol('INFERENCE_PIPELINE');
/** "inference": shipped models registered and the consumers subscribed. */
export const INFERENCE_READINESS = Symbol('INFERENCE_READINESS');

/**
 * detection-inference: consumes ingested frames, runs each line's production detector in
 * micro-batches on a worker thread, writes detections, raises alerts, publishes both.
 *
 * Start-up (in the background, retried until Kafka, S3 and Postgres answer; /health/ready says
 * "inference" is down until then): topics, shipped-model registration, the consumers, bus start.
 * Shutdown: stop consuming (in-flight frames finish and are committed), close the model worker,
 * then the bus flushes and the database closes (their own steps).
 *
 * Scale-out is by consumer-group members: `inspection.frame.ingested.v1` has 6 partitions
 * (contracts), so up to 6 processes share the frames (e.g. 3 × 2 partitions); within one process
 * ARGUS_INFER_CONCURRENCY partitions run in parallel and their frames form the micro-batches.
 * Frames of one camera share a key, hence a partition, hence stay in order.
 */
@Module({})
export class DetectionInferenceModule {
  static register(config: DetectionInferenceConfig): DynamicModule {
    const messaging = MessagingModule.forRoot(config.kafka);
    const objectStore = ObjectStoreModule.forRoot(config.s3);
    const database = DatabaseModule.forRoot(config.database);
    const adapters = [messaging, objectStore, database];
    const pipelineProviders = [
      {
        provide: INFERENCE_PIPELINE,
        inject: [MESSAGE_BUS, OBJECT_STORE, DATABASE, LOGGER, ShutdownRegistry],
        useFactory: (bus: MessageBus, store: ObjectStore, db: InferencePipelineDb, logger: Logger, registry: ShutdownRegistry) => {
          const log = logger.child({ component: 'inference' });
          const pipeline = new InferencePipeline({
            bus,
            store,
            db,
            logger: log,
            settings: {
              batchMax: config.ARGUS_INFER_BATCH_MAX,
              batchWaitMs: config.ARGUS_INFER_BATCH_WAIT_MS,
              concurrency: config.ARGUS_INFER_CONCURRENCY,
              threads: config.ARGUS_INFER_THREADS,
              pointerTtlMs: config.ARGUS_INFER_MODEL_POINTER_TTL_MS,
              modelCacheDir: config.ARGUS_MODEL_CACHE_DIR,
              ...(config.ARGUS_MODELS_DIR === '' ? {} : { modelsDir: config.ARGUS_MODELS_DIR }),
              instanceId: config.ARGUS_INSTANCE_ID,
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
    @Module({ imports: adapters, providers: pipelineProviders, exports: [INFERENCE_PIPELINE, INFERENCE_READINESS] })
    class InferencePipelineModule {}
    return {
      module: DetectionInferenceModule,
      imports: [
        ...adapters,
        InferencePipelineModule,
        HealthModule.register({
          imports: [...adapters, InferencePipelineModule],
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS, INFERENCE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}

type InferencePipelineDb = ConstructorParameters<typeof InferencePipeline>[0]['db'];
