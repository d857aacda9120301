import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createThrowawayDatabase, databaseConfigFromEnv, runMigrations, type ThrowawayDatabase } from '@argus/persistence';
import { bootstrapService, type RunningService } from '@argus/platform';
import { configureConsoleHttp } from '../app/console-http.setup';
import { loadConsoleConfig } from '../config';
import { CONSOLE_ERROR_DOMAINS } from '../console.errors';
import { ConsoleModule } from '../console.module';
import type { Clock } from '../identity/clock';
import { SERVICE_NAME, SERVICE_VERSION } from '../service.identity';

/** A clock the test moves forward (session expiry without waiting). */
export class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface ConsoleAppOptions {
  readonly env?: Record<string, string>;
}

/**
 * The console as `main.ts` boots it (bootstrapService: body limit, error filter, OpenAPI, web UI),
 * on port 0, against infra/local's Kafka and a throw-away, migrated Postgres database.
 */
export class ConsoleAppHarness {
  readonly clock = new MovableClock();
  database!: ThrowawayDatabase;
  running!: RunningService;
  url!: string;
  webDir!: string;

  async start(options: ConsoleAppOptions = {}): Promise<void> {
    this.database = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'console-it'));
    await runMigrations(this.database.dataSource);
    this.webDir = await mkdtemp(path.join(tmpdir(), 'argus-console-web-'));
    const databaseUrl = new URL(process.env['ARGUS_DATABASE_URL'] ?? '');
    databaseUrl.pathname = `/${this.database.name}`;
    const config = loadConsoleConfig({
      ...process.env,
      PORT: '3000',
      LOG_LEVEL: 'silent',
      ARGUS_DATABASE_URL: databaseUrl.toString(),
      ARGUS_CONSOLE_WEB_DIR: path.join(this.webDir, 'dist'),
      ...options.env,
    });
    this.running = await bootstrapService({
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      module: ConsoleModule.register(config, { clock: this.clock }),
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      bodyLimit: config.HTTP_BODY_LIMIT,
      shutdownTimeoutMs: 10_000,
      errorHttpStatus: CONSOLE_ERROR_DOMAINS,
      configure: configureConsoleHttp({ version: SERVICE_VERSION, webDir: config.ARGUS_CONSOLE_WEB_DIR }),
    });
    this.url = `http://127.0.0.1:${this.running.port}`;
  }

  async stop(): Promise<void> {
    await this.running?.registry.closeAll(10_000);
    await this.database?.drop();
    if (this.webDir) await rm(this.webDir, { recursive: true, force: true });
  }
}
