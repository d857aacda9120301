import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { buildConsoleOpenApiDocument } from './api-contract.document';

const CONSOLE_DIR = path.resolve(__dirname, '../..');

/** Exit code and output of `npm run api:generate -w @argus/console -- --check` (the same command, without npm). */
function checkContract(): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', 'src/api-contract.cli.ts', '--check'],
      { cwd: CONSOLE_DIR, env: { ...process.env, SWC_NODE_PROJECT: '../../tsconfig.json' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe("the console's API contract (openapi.json and the web UI's types generated from it)", () => {
  // In a process of its own: openapi-typescript loads ES modules, which Jest's CommonJS runtime cannot.
  it('is what the controllers and response schemas generate (else: run npm run api:generate -w @argus/console)', async () => {
    const { code, output } = await checkContract();
    if (code !== 0) throw new Error(output.trim());
    expect(output).toContain('up to date');
  }, 60_000);

  it('documents every JSON answer of the API with a named schema', async () => {
    const document = await buildConsoleOpenApiDocument();
    const undocumented: string[] = [];
    for (const [route, item] of Object.entries(document.paths)) {
      for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
        const operation = item[method];
        if (!operation) continue;
        const ok = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))?.[1];
        const schema = ok && 'content' in ok ? ok.content?.['application/json']?.schema : undefined;
        if (!schema || !('$ref' in schema)) undocumented.push(`${method.toUpperCase()} ${route}`);
      }
    }
    // No JSON body: the platform's health probes, the event streams, images, data set files, and the 204s.
    expect(undocumented.sort()).toEqual([
      'DELETE /api/v1/service-tokens/{id}',
      'GET /api/v1/alerts/stream',
      'GET /api/v1/datasets/{id}/coco',
      'GET /api/v1/datasets/{id}/manifest',
      'GET /api/v1/frames/{frameId}/image',
      'GET /api/v1/frames/{frameId}/template',
      'GET /api/v1/training-jobs/stream',
      'GET /health/live',
      'GET /health/ready',
      'POST /api/v1/auth/logout',
    ]);
  }, 60_000);
});
