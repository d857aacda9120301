import { shutdownTelemetry } from './telemetry';
import { bootstrapService } from '@argus/platform';
import { loadArchitectureSearchConfig } from './config';
import { ArchitectureSearchModule } from './architecture-search.module';
import { ARCHITECTURE_SEARCH_ERROR_DOMAINS } from './search.errors';
import { SERVICE_NAME, SERVICE_VERSION } from './service.identity';

const config = loadArchitectureSearchConfig();

void bootstrapService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  module: ArchitectureSearchModule.register(config),
  port: config.PORT,
  logLevel: config.LOG_LEVEL,
  bodyLimit: config.HTTP_BODY_LIMIT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: shutdownTelemetry,
  errorHttpStatus: ARCHITECTURE_SEARCH_ERROR_DOMAINS,
});
