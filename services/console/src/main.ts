import { shutdownTelemetry } from './telemetry';
import { bootstrapService } from '@argus/platform';
import { loadConsoleConfig } from './config';
import { configureConsoleHttp } from './app/console-http.setup';
import { CONSOLE_ERROR_DOMAINS } from './console.errors';
import { ConsoleModule } from './console.module';
import { SERVICE_NAME, SERVICE_VERSION } from './service.identity';

const config = loadConsoleConfig();

void bootstrapService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  module: ConsoleModule.register(config),
  port: config.PORT,
  logLevel: config.LOG_LEVEL,
  bodyLimit: config.HTTP_BODY_LIMIT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  errorHttpStatus: CONSOLE_ERROR_DOMAINS,
  configure: configureConsoleHttp({ version: SERVICE_VERSION, webDir: config.ARGUS_CONSOLE_WEB_DIR }),
  onShutdown: shutdownTelemetry,
});
