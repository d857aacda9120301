import type { NestExpressApplication } from '@nestjs/platform-express';
import { setUpOpenApi } from './openapi.setup';
import { serveWebUi } from './web-ui.static';

export interface ConsoleHttpOptions {
  readonly version: string;
  /** The built web UI; default services/console/web/dist. */
  readonly webDir?: string;
}

/** What the console serves beside its controllers: OpenAPI + Swagger UI, and the web UI. For `bootstrapService({ configure })`. */
export function configureConsoleHttp(options: ConsoleHttpOptions): (app: NestExpressApplication) => void {
  return (app) => {
    setUpOpenApi(app, options.version);
    serveWebUi(app, options.webDir);
  };
}
