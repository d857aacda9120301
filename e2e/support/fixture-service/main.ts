import { shutdownTelemetry } from './telemetry';
import { bootstrapService } from '@argus/platform';
import { fixtureConfig } from './fixture.config';
import { FixtureModule } from './fixture.module';

const config = fixtureConfig();

void bootstrapService({
  name: 'platform-fixture',
  version: '0.0.1',
  module: FixtureModule.register(config),
  port: config.PORT,
  host: '127.0.0.1',
  logLevel: config.LOG_LEVEL,
  bodyLimit: config.HTTP_BODY_LIMIT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  errorHttpStatus: [{ 'fixture.refused': 422 }],
  onShutdown: shutdownTelemetry,
});
