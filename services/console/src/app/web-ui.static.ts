import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** The parts of express's request and response used here (express ships no types in this repo). */
interface UiRequest {
  readonly method: string;
  readonly path: string;
}
interface UiResponse extends ServerResponse {
  status(code: number): UiResponse;
  type(contentType: string): UiResponse;
  send(body: string): UiResponse;
  sendFile(file: string): void;
}
type Next = (error?: unknown) => void;

/** Where `npm run build -w @argus/console` writes the web UI (Vite's outDir). */
export const DEFAULT_WEB_DIR = path.resolve(__dirname, '../../web/dist');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Argus console: UI not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>The console UI is not built</h1>
<p>the console UI is not built: run <code>npm run build -w @argus/console</code>, then reload.</p>
<p>The API is up: <a href="/api/docs">/api/docs</a>.</p>
</body></html>
`;

/** Paths that are never the single-page app: the API, its docs, health. */
function isServerPath(urlPath: string): boolean {
  return /^\/(api|health)(\/|$)/.test(urlPath);
}

/**
 * Serves the built web UI: its files (hashed assets cached for a year, index.html never), and
 * index.html for any other GET that is not the API or health (the UI routes: /queue, /alerts/…),
 * so a reload or a shared link works. While the UI is not built, those answer 503 with a page
 * saying how to build it (checked per request: building while the console runs is enough).
 */
export function serveWebUi(app: NestExpressApplication, webDir: string = DEFAULT_WEB_DIR): void {
  const indexFile = path.join(webDir, 'index.html');
  const isUiGet = (request: UiRequest) => (request.method === 'GET' || request.method === 'HEAD') && !isServerPath(request.path);

  app.use((request: UiRequest, response: UiResponse, next: Next) => {
    if (!isUiGet(request) || existsSync(indexFile)) return next();
    response.status(503).type('html').setHeader('Cache-Control', 'no-store');
    response.send(NOT_BUILT_PAGE);
  });
  app.useStaticAssets(webDir, {
    index: false,
    setHeaders: (response: ServerResponse, file: string) => {
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      response.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // Not a file of the build: a UI route (/queue, /alerts/…); the app's router shows unknown ones as not found.
  app.use((request: UiRequest, response: UiResponse, next: Next) => {
    if (!isUiGet(request)) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(indexFile);
  });
}
