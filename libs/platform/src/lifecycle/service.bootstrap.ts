import type { Server } from 'node:http';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { LogLevel } from '../config/env-fields.schema';
import { combineErrorHttpStatus, type ErrorHttpStatusMap } from '../errors/error-http-status.map';
import { HttpErrorFilter } from '../errors/http-error.filter';
import { createLogger } from '../logging/logger.factory';
import { PinoNestLogger } from '../logging/pino-nest.logger';
import { RequestLoggingMiddleware } from '../logging/request-logging.middleware';
import { PinoDiagLogger } from '../telemetry/pino-diag.logger';
import { routeTelemetryDiagnostics } from '../telemetry/telemetry.starter';
import { assertDecoratorMetadata } from './decorator-metadata.guard';
import { EventLoopStallWatchdog, eventLoopStallThresholdFromEnv } from './event-loop-stall.watchdog';
import { LifecycleState } from './lifecycle.state';
import { PlatformCoreModule } from './platform-core.module';
import { EXIT_UNCLEAN_SHUTDOWN, ShutdownCoordinator } from './shutdown.coordinator';
import { ShutdownOrder, ShutdownRegistry } from './shutdown.registry';

export interface BootstrapServiceOptions {
  readonly name: string;
  readonly version: string;
  /** The service's root module (a class or a dynamic module built from its config). */
  readonly module: Type<unknown> | DynamicModule;
  readonly port: number;
  /** Interface to listen on; all interfaces by default. */
  readonly host?: string;
  readonly logLevel?: LogLevel;
  /** Largest JSON or form body accepted, e.g. `1mb` (the default). */
  readonly bodyLimit?: string;
  /** The whole graceful shutdown must finish within this; default 15 s. */
  readonly shutdownTimeoutMs?: number;
  /** The code → HTTP status maps of the domains whose errors the service answers with (one per domain). */
  readonly errorHttpStatus?: readonly ErrorHttpStatusMap[];
  /** Runs last in the shutdown sequence; services pass their telemetry flush here. */
  readonly onShutdown?: () => Promise<void>;
  /**
   * Adds what a service serves beside its controllers (an OpenAPI document, static files), after
   * the body parsers and request logging, before the server listens.
   */
  readonly configure?: (app: NestExpressApplication, logger: Logger) => void | Promise<void>;
}

export interface RunningService {
  readonly app: NestExpressApplication;
  readonly logger: Logger;
  readonly registry: ShutdownRegistry;
  readonly state: LifecycleState;
  /** The port actually bound (differs from `port` when `port` was 0). */
  readonly port: number;
  /** Runs the graceful shutdown as if SIGTERM had arrived (and exits the process). */
  shutdown(reason: string): Promise<void>;
}

/**
 * Boots a service the same way everywhere: JSON logs (Nest's own included), decorator-metadata
 * check, body size limits, one error filter, request logging, health endpoints via the service's
 * `HealthModule`, a warning whenever the event loop stalls (ARGUS_EVENT_LOOP_STALL_MS, default
 * 500), and a graceful, ordered, bounded shutdown on SIGTERM/SIGINT.
 *
 * Nest's `enableShutdownHooks()` is deliberately not used: it re-raises the signal after closing,
 * so the process would end with 143 instead of 0, and it knows nothing of the ordering or deadline.
 * Nest's lifecycle hooks (`onModuleDestroy`, `onApplicationShutdown`) still run, from the
 * `nest-application` step of the sequence.
 *
 * If the service cannot start, the error is logged as one fatal line and the process exits 1.
 */
export async function bootstrapService(options: BootstrapServiceOptions): Promise<RunningService> {
  const logger = createLogger({ service: options.name, version: options.version, level: options.logLevel ?? 'info' });
  routeTelemetryDiagnostics(new PinoDiagLogger(logger));
  const registry = new ShutdownRegistry(logger);
  const state = new LifecycleState();
  const coordinator = new ShutdownCoordinator({ registry, state, logger, timeoutMs: options.shutdownTimeoutMs });
  exitOnCrash(logger);

  try {
    assertDecoratorMetadata();
    if (options.onShutdown) {
      registry.register({ name: 'telemetry', order: ShutdownOrder.flushTelemetry, close: options.onShutdown });
    }
    const stallThresholdMs = eventLoopStallThresholdFromEnv(process.env);
    if (stallThresholdMs > 0) {
      const watchdog = new EventLoopStallWatchdog(logger, { thresholdMs: stallThresholdMs });
      watchdog.start();
      registry.register({ name: 'event-loop-watchdog', order: ShutdownOrder.closeApplication, close: async () => watchdog.stop() });
    }

    @Module({ imports: [PlatformCoreModule.forRoot({ logger, registry, state }), options.module] })
    class ServiceRootModule {}

    const app = await NestFactory.create<NestExpressApplication>(ServiceRootModule, {
      logger: new PinoNestLogger(logger),
      // Throw instead of process.abort() (a core dump) when the module graph is broken.
      abortOnError: false,
    });
    const bodyLimit = options.bodyLimit ?? '1mb';
    app.useBodyParser('json', { limit: bodyLimit });
    app.useBodyParser('urlencoded', { limit: bodyLimit, extended: true });
    app.disable('x-powered-by');
    const requestLogging = new RequestLoggingMiddleware(logger);
    app.use(requestLogging.use.bind(requestLogging));
    app.useGlobalFilters(new HttpErrorFilter(app.getHttpAdapter(), logger, combineErrorHttpStatus(...(options.errorHttpStatus ?? []))));
    await options.configure?.(app, logger);

    registry.register({
      name: 'http-server',
      order: ShutdownOrder.closeHttpServer,
      close: () => closeHttpServer(app.getHttpServer() as Server),
    });
    registry.register({ name: 'nest-application', order: ShutdownOrder.closeApplication, close: () => app.close() });
    coordinator.listen();

    if (options.host) await app.listen(options.port, options.host);
    else await app.listen(options.port);
    const address = (app.getHttpServer() as Server).address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    logger.info({ port, node: process.version }, `${options.name} ${options.version} listening on port ${port}`);
    return { app, logger, registry, state, port, shutdown: (reason) => coordinator.shutdown(reason) };
  } catch (error) {
    logger.fatal({ err: error }, `${options.name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    // Close whatever was opened before the failure (clients created by factories, telemetry).
    await registry.closeAll(Math.min(options.shutdownTimeoutMs ?? 15_000, 5_000)).catch(() => undefined);
    process.exit(EXIT_UNCLEAN_SHUTDOWN);
  }
}

/** Stops accepting connections, ends idle keep-alive ones, and resolves when in-flight requests are answered. */
function closeHttpServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

let crashHandlersInstalled = false;

/** An uncaught exception or unhandled rejection leaves the process in an unknown state: log it as JSON and exit 1. */
function exitOnCrash(logger: Logger): void {
  if (crashHandlersInstalled) return;
  crashHandlersInstalled = true;
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, origin }, `uncaught exception: ${error.message}`);
    process.exit(EXIT_UNCLEAN_SHUTDOWN);
  });
}
