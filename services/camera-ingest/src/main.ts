import { shutdownTelemetry } from './telemetry';
import { bootstrapService } from '@argus/platform';
import { loadCameraIngestConfig } from './config';
import { CameraIngestModule } from './camera-ingest.module';
import { CAMERA_INGEST_ERROR_DOMAINS } from './ingest/frame-ingest.errors';
import { SERVICE_NAME, SERVICE_VERSION } from './service.identity';

const config = loadCameraIngestConfig();

void bootstrapService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  module: CameraIngestModule.register(config),
  port: config.PORT,
  logLevel: config.LOG_LEVEL,
  bodyLimit: config.HTTP_BODY_LIMIT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  errorHttpStatus: CAMERA_INGEST_ERROR_DOMAINS,
  onShutdown: shutdownTelemetry,
});
