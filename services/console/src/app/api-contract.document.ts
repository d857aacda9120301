import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createLogger, LifecycleState, PlatformCoreModule, ShutdownRegistry } from '@argus/platform';
import { loadConsoleConfig } from '../config';
import { ConsoleModule } from '../console.module';
import { SERVICE_VERSION } from '../service.identity';
import { buildOpenApiDocument } from './openapi.setup';

/**
 * The console's OpenAPI document as the running console serves it, built without a port or any
 * infrastructure: Nest's preview mode resolves the module graph (controllers, routes, decorators)
 * but instantiates no provider, so the placeholder addresses below are never connected to.
 */
export async function buildConsoleOpenApiDocument(): Promise<OpenAPIObject> {
  const config = loadConsoleConfig({
    ARGUS_KAFKA_BROKERS: '127.0.0.1:9',
    ARGUS_DATABASE_URL: 'postgres://argus@127.0.0.1:9/argus',
    ARGUS_S3_ENDPOINT: 'http://127.0.0.1:9',
    ARGUS_S3_ACCESS_KEY: 'placeholder',
    ARGUS_S3_SECRET_KEY: 'placeholder',
  });
  const logger = createLogger({ service: 'console-api-contract', version: SERVICE_VERSION, level: 'silent' });
  @Module({
    imports: [
      PlatformCoreModule.forRoot({ logger, registry: new ShutdownRegistry(), state: new LifecycleState() }),
      ConsoleModule.register(config),
    ],
  })
  class ApiContractRootModule {}
  const app = await NestFactory.create(ApiContractRootModule, { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app, SERVICE_VERSION);
  } finally {
    await app.close();
  }
}
