import { shutdownTelemetry } from './telemetry';
import { bootstrapService } from '@argus/platform';
import { loadContinualFineTuneConfig } from './config';
import { CONTINUAL_FINE_TUNE_ERROR_DOMAINS } from './continual.errors';
import { ContinualFineTuneModule } from './continual-fine-tune.module';
import { SERVICE_NAME, SERVICE_VERSION } from './service.identity';

const config = loadContinualFineTuneConfig();

void bootstrapService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  module: ContinualFineTuneModule.register(config),
  port: config.PORT,
  logLevel: config.LOG_LEVEL,
  bodyLimit: config.HTTP_BODY_LIMIT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  errorHttpStatus: CONTINUAL_FINE_TUNE_ERROR_DOMAINS,
  onShutdown: shutdownTelemetry,
});
