import { type DynamicModule, Module } from '@nestjs/common';
import { MESSAGE_BUS_READINESS, MessagingModule } from '@argus/messaging';
import { DATABASE_READINESS, DatabaseModule } from '@argus/persistence';
import { HealthModule } from '@argus/platform';
import { OBJECT_STORE_READINESS, ObjectStoreModule } from '@argus/storage';
import type { DetectionInferenceConfig } from './config';
import { INFERENCE_READINESS, InferencePipelineModule } from './inference-pipeline.module';

export { INFERENCE_PIPELINE, INFERENCE_READINESS } from './inference-pipeline.module';

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
    const inference = InferencePipelineModule.register(config, adapters);
    return {
      module: DetectionInferenceModule,
      imports: [
        ...adapters,
        inference,
        HealthModule.register({
          imports: [...adapters, inference],
          checks: [MESSAGE_BUS_READINESS, OBJECT_STORE_READINESS, DATABASE_READINESS, INFERENCE_READINESS],
          checkTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        }),
      ],
    };
  }
}
