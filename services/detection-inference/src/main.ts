import { shutdownTelemetry } from './telemetry';
import { bootstrapService } from '@argus/platform';
import { loadDetectionInferenceConfig } from './config';
import { DetectionInferenceModule } from './detection-inference.module';
import { SERVICE_NAME, SERVICE_VERSION } from './service.identity';

const config = loadDetectionInferenceConfig();

void bootstrapService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  module: DetectionInferenceModule.register(config),
  port: config.PORT,
  logLevel: config.LOG_LEVEL,
  bodyLimit: config.HTTP_BODY_LIMIT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: shutdownTelemetry,
});
