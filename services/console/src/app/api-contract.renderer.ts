import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import openapiTS, { astToString } from 'openapi-typescript';
import { format } from 'prettier';

const CONSOLE_DIR = path.resolve(__dirname, '../..');
const REPO_DIR = path.resolve(CONSOLE_DIR, '../..');

/** The command that rewrites the committed contract files. */
export const API_GENERATE_COMMAND = 'npm run api:generate -w @argus/console';

/** The committed contract: the OpenAPI document and the web UI's types generated from it. */
export const API_CONTRACT_FILES = {
  document: path.join(CONSOLE_DIR, 'openapi.json'),
  webTypes: path.join(CONSOLE_DIR, 'web/src/api/console-api.generated.ts'),
} as const;

const TYPES_HEADER = `/**
 * Generated from services/console/openapi.json by \`${API_GENERATE_COMMAND}\`: do not edit.
 * The UI names these types in api-types.ts.
 */
`;

/** Both contract files' text, formatted as the repository's Prettier check wants them. */
export async function renderApiContract(document: OpenAPIObject): Promise<{ document: string; webTypes: string }> {
  const prettierConfig = JSON.parse(await readFile(path.join(REPO_DIR, '.prettierrc.json'), 'utf8')) as Record<string, unknown>;
  const json = await format(JSON.stringify(document), { ...prettierConfig, parser: 'json' });
  const ast = await openapiTS(JSON.parse(json) as Parameters<typeof openapiTS>[0]);
  const webTypes = await format(TYPES_HEADER + astToString(ast), { ...prettierConfig, parser: 'typescript' });
  return { document: json, webTypes };
}
