// Config
export * from './config/config.loader';
export * from './config/config-validation.error';
export * from './config/invalid-config-variables.probe';
export * from './config/env-fields.schema';
export * from './config/secret.schema';
export * from './config/quantity.fields';
export * from './config/config-docs';
// Logging
export * from './logging/logger.factory';
export * from './logging/pino-nest.logger';
export * from './logging/request-logging.middleware';
// Telemetry
export * from './telemetry/telemetry.starter';
export * from './telemetry/pino-diag.logger';
// Health
export * from './health/readiness-check.interface';
export { ReadinessService, type CheckOutcome, type ReadinessReport } from './health/readiness.service';
export * from './health/health.controller';
export * from './health/health.module';
// Errors
export * from './errors/domain.error';
export * from './errors/error-http-status.map';
export * from './errors/error-response.dto';
export * from './errors/http-error.filter';
// Validation
export * from './validation/zod-validation.pipe';
export * from './validation/zod-openapi.decorators';
// Batching
export * from './batching/request.coalescer';
// Lifecycle
export * from './lifecycle/lifecycle.state';
export * from './lifecycle/shutdown.registry';
export * from './lifecycle/shutdown.coordinator';
export * from './lifecycle/platform.tokens';
export * from './lifecycle/platform-core.module';
export { assertDecoratorMetadata } from './lifecycle/decorator-metadata.guard';
export * from './lifecycle/retrying-startup.task';
export * from './lifecycle/service.bootstrap';
export * from './lifecycle/event-loop-stall.watchdog';
