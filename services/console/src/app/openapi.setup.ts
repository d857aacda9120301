import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { addConsoleApiSchemas } from '../http/api-zod-response.decorator';
import { SESSION_COOKIE } from '../identity/credential.reader';

export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const SWAGGER_UI_PATH = '/api/docs';

/**
 * The OpenAPI document, built from the controllers: request bodies and queries from the zod
 * schemas that validate them, answers from the named response schemas (`ApiZodResponse`). The same
 * function builds what is served and what `npm run api:generate -w @argus/console` commits.
 */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Argus console API')
    .setDescription('Operators review alerts; ML engineers govern models. Contract: services/console/README.md.')
    .setVersion(version)
    .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE }, 'session')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a service token: argus_st_…' }, 'service-token')
    .addSecurityRequirements('session')
    .addSecurityRequirements('service-token')
    .build();
  return addConsoleApiSchemas(SwaggerModule.createDocument(app, config));
}

/** The document at `/api/openapi.json`, and Swagger UI at `/api/docs` served from the installed swagger-ui-dist (no CDN). */
export function setUpOpenApi(app: NestExpressApplication, version: string): OpenAPIObject {
  const document = buildOpenApiDocument(app, version);
  SwaggerModule.setup(SWAGGER_UI_PATH.slice(1), app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    raw: ['json'],
    customSiteTitle: 'Argus console API',
  });
  return document;
}
