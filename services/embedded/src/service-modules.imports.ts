// The one place the composition root reaches into the services it runs. `type:composition` may
// depend on `type:service` (eslint.config.mjs), but Nx also refuses every import of an application
// project ("Imports of apps are forbidden") whatever the tags, hence the line-by-line exceptions,
// kept here so the rest of services/embedded imports nothing of the services directly.
/* eslint-disable @nx/enforce-module-boundaries */
export { ingestSettingsOf } from '@argus/camera-ingest/src/camera-ingest.module';
export { CameraIngestEnvSchema, type CameraIngestEnv } from '@argus/camera-ingest/src/config';
export { CAMERA_INGEST_ERROR_HTTP_STATUS } from '@argus/camera-ingest/src/ingest/frame-ingest.errors';
export { IngestModule } from '@argus/camera-ingest/src/ingest/ingest.module';
export { parseIngestSources, type IngestSourceConfig } from '@argus/camera-ingest/src/sources/ingest-sources.config';
export { SourcesModule } from '@argus/camera-ingest/src/sources/sources.module';
export { DetectionInferenceEnvSchema, type DetectionInferenceEnv } from '@argus/detection-inference/src/config';
export { INFERENCE_READINESS, InferencePipelineModule } from '@argus/detection-inference/src/inference-pipeline.module';
/* eslint-enable @nx/enforce-module-boundaries */
