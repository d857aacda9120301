// The one place the composition root reaches into the services it runs. `type:composition` may
// depend on `type:service` (eslint.config.mjs), but Nx also refuses every import of an application
// project ("Imports of apps are forbidden") whatever the tags, hence the line-by-line exceptions,
// kept here so the rest of services/embedded imports nothing of the services directly.
/* eslint-disable @nx/enforce-module-boundaries */
export { ingestSettingsOf } from '@argus/camera-ingest/src/camera-ingest.module';
export { CameraIngestEnvSchema, type CameraIngestEnv } from '@argus/camera-ingest/src/config';
export { CAMERA_INGEST_ERROR_DOMAINS } from '@argus/camera-ingest/src/ingest/frame-ingest.errors';
export { IngestModule } from '@argus/camera-ingest/src/ingest/ingest.module';
export { parseIngestSources, type IngestSourceConfig } from '@argus/camera-ingest/src/sources/ingest-sources.config';
export { SourcesModule } from '@argus/camera-ingest/src/sources/sources.module';
export { RetentionModule, retentionSettingsOf } from '@argus/camera-ingest/src/retention/retention.module';
export { DetectionInferenceEnvSchema, type DetectionInferenceEnv } from '@argus/detection-inference/src/config';
export { INFERENCE_READINESS, InferencePipelineModule } from '@argus/detection-inference/src/inference-pipeline.module';
export { configureConsoleHttp } from '@argus/console/src/app/console-http.setup';
export { ConsoleEnvSchema, type ConsoleEnv } from '@argus/console/src/config';
export { CONSOLE_ERROR_DOMAINS } from '@argus/console/src/console.errors';
export { ConsoleFeaturesModule } from '@argus/console/src/console-features.module';
export { frameIdFor } from '@argus/camera-ingest/src/ingest/frame-id.generator';
export { syntheticGeneratorFor } from '@argus/camera-ingest/src/sources/simulated-camera.source';
export { SubmitReviewUseCase, type SubmitReviewCommand } from '@argus/console/src/reviews/submit-review.use-case';
export { ContinualFineTuneEnvSchema, type ContinualFineTuneEnv } from '@argus/continual-fine-tune/src/config';
export { CONTINUAL_FINE_TUNE_ERROR_DOMAINS } from '@argus/continual-fine-tune/src/continual.errors';
export { TrainerWorkerModule } from '@argus/continual-fine-tune/src/jobs/trainer-worker.module';
export {
  filesystemTrainerStoreLocation,
  s3TrainerStoreLocation,
  type TrainerStoreLocation,
} from '@argus/continual-fine-tune/src/jobs/trainer-store.location';
export { LabelsModule } from '@argus/continual-fine-tune/src/labels/labels.module';
export { AuditSamplingModule } from '@argus/continual-fine-tune/src/audit-sampling/audit-sampling.module';
/* eslint-enable @nx/enforce-module-boundaries */
