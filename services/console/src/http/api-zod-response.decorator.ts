import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';
import { consoleApiSchemas } from './api-responses.schemas';

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * Documents an answer with one of the console's named response schemas (`api-responses.schemas.ts`),
 * as a reference to its component schema, which `addConsoleApiSchemas` puts into the document.
 */
export function ApiZodResponse(schema: z.ZodType, options: { status?: number; description?: string } = {}): MethodDecorator {
  const id = consoleApiSchemas.get(schema)?.id;
  if (id === undefined) throw new Error('ApiZodResponse: the schema is not named in consoleApiSchemas (api-responses.schemas.ts)');
  const status = options.status ?? 200;
  return applyDecorators(
    ApiResponse({
      status,
      description: options.description ?? (status === 201 ? 'Created' : 'OK'),
      schema: { $ref: `${COMPONENT_PREFIX}${id}` },
    }),
  );
}

/** Every named response schema as an OpenAPI 3.0 component schema, referring to each other by `$ref`. */
export function addConsoleApiSchemas(document: OpenAPIObject): OpenAPIObject {
  const { schemas } = z.toJSONSchema(consoleApiSchemas, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
  });
  const components: Record<string, object> = {};
  for (const [id, json] of Object.entries(schemas)) {
    const { $id: _id, ...schema } = json as Record<string, unknown>;
    components[id] = schema;
  }
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...components } };
  return document;
}
