import { shutdownTelemetry } from './telemetry';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DEMO_LINES, seedDemo } from './seed/demo-seed';
import { renderDemoTemplates } from './seed/demo-templates.renderer';
import { UserRepository } from '@argus/persistence';
import { bootstrapService, createLogger, loadConfig, ShutdownOrder } from '@argus/platform';
import { EmbeddedAdapters } from './adapters/embedded-adapters';
import { EMBEDDED_SERVICE_DEFAULTS, loadEmbeddedConfig } from './embedded.config';
import { EmbeddedSystemModule } from './embedded-system.module';
import { modelsBannerLines } from './models/models-banner.formatter';
import { prepareModelsFolder } from './models/placeholder-model.builder';
import { SERVICE_NAME, SERVICE_VERSION } from './service.identity';
import {
  CAMERA_INGEST_ERROR_DOMAINS,
  CameraIngestEnvSchema,
  configureConsoleHttp,
  CONSOLE_ERROR_DOMAINS,
  ConsoleEnvSchema,
  CONTINUAL_FINE_TUNE_ERROR_DOMAINS,
  ContinualFineTuneEnvSchema,
  DetectionInferenceEnvSchema,
} from './service-modules.imports';
import { demoCameraSources } from './simulation/demo-cameras.sources';
import { SimulatorSequence } from './simulation/simulator-sequence';
import type { DemoReviewer } from './demo-reviewer/demo-reviewer';
import { DEMO_REVIEWER } from './demo-reviewer/demo-reviewer.module';
import { PIPELINE_STATUS } from './status/pipeline-status.module';
import type { PipelineStatusMonitor } from './status/pipeline-status.monitor';
import { DataFolderSizeProbe } from './status/data-folder-size.probe';
import { StatusLineRenderer } from './status/status-line.renderer';

/**
 * `npm start`: the whole pipeline in this one process — camera-ingest (simulated cameras and the
 * HTTP upload endpoint) and detection-inference (its model on a worker thread) — on the in-memory
 * bus, a folder as object store and PGlite as Postgres, or on Kafka / S3 / Postgres for each one
 * whose address is configured. One process rather than a supervisor of children: on two cores it
 * saves two Node runtimes and lets the services share one bus, one store and PGlite's single session.
 */
const say = (line: string) => process.stdout.write(`${line}\n`);

/** The camera token for HTTP uploads: ARGUS_CAMERA_TOKEN, else one generated once and kept (mode 600) in the data folder. */
async function cameraToken(dataDir: string): Promise<{ token: string; file?: string }> {
  const fromEnv = process.env['ARGUS_CAMERA_TOKEN']?.trim();
  if (fromEnv) return { token: fromEnv };
  const file = path.join(dataDir, 'camera-token');
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept.length >= 16) return { token: kept, file };
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

interface ConsoleAdmin {
  readonly username: string;
  /** Set when the admin is created at this start (from ARGUS_CONSOLE_ADMIN_PASSWORD, or generated). */
  readonly password?: string;
  /** What to print about the credentials. */
  readonly note: string;
}

/**
 * The console's first admin: `admin` (or ARGUS_CONSOLE_ADMIN_USERNAME) with ARGUS_CONSOLE_ADMIN_PASSWORD,
 * or a password generated at first start and printed once (only its scrypt hash is stored).
 * An existing admin is never changed.
 */
async function consoleAdmin(dataSource: EmbeddedAdapters['dataSource']): Promise<ConsoleAdmin> {
  const username = process.env['ARGUS_CONSOLE_ADMIN_USERNAME']?.trim() || 'admin';
  const fromEnv = process.env['ARGUS_CONSOLE_ADMIN_PASSWORD'];
  if (await new UserRepository(dataSource).findByUsername(username)) {
    return { username, note: `${username} (exists: its password is ARGUS_CONSOLE_ADMIN_PASSWORD's or the one printed at first start)` };
  }
  if (fromEnv) return { username, password: fromEnv, note: `${username} / password from ARGUS_CONSOLE_ADMIN_PASSWORD` };
  const password = randomBytes(15).toString('base64url');
  return { username, password, note: `${username} / ${password}  (generated now and shown only this once; stored only as a hash)` };
}

async function main(): Promise<void> {
  const config = loadEmbeddedConfig();
  await mkdir(config.dataDir, { recursive: true });
  const token = await cameraToken(config.dataDir);
  // The services' own variables; PORT is the embedded server's (it may be 0, which they refuse).
  const env = { ...EMBEDDED_SERVICE_DEFAULTS, ...process.env, PORT: undefined, ARGUS_CAMERA_TOKEN: token.token };
  const cameraIngest = loadConfig(CameraIngestEnvSchema, env);
  const detectionInference = loadConfig(DetectionInferenceEnvSchema, env);
  const logger = createLogger({ service: SERVICE_NAME, version: SERVICE_VERSION, level: config.LOG_LEVEL });

  say(`Argus ${SERVICE_VERSION} — embedded mode (data in ${config.dataDir})`);
  const adapters = await EmbeddedAdapters.open(config, logger);
  try {
    for (const choice of adapters.choices) say(`  ${choice.dependency.padEnd(8)} ${choice.description}`);
    say('  migrations applied');

    const seeded = await seedDemo(adapters.dataSource, { store: adapters.store, templates: await renderDemoTemplates() });
    say(`  demo lines: ${seeded.lines.map((l) => `${l.id} (${l.cameras.join(', ')})`).join('; ')}`);

    const needs = DEMO_LINES.map((line) => ({
      feed: String(line.settings['feed']),
      classes: line.alertRules.map((rule) => rule.className),
    }));
    const models = await prepareModelsFolder(detectionInference.ARGUS_MODELS_DIR, config.dataDir, needs);
    for (const line of modelsBannerLines(models, detectionInference.ARGUS_MODELS_DIR)) say(line);

    const admin = await consoleAdmin(adapters.dataSource);
    const consoleEnv = loadConfig(ConsoleEnvSchema, {
      ...env,
      ARGUS_CONSOLE_ADMIN_USERNAME: admin.password === undefined ? undefined : admin.username,
      ARGUS_CONSOLE_ADMIN_PASSWORD: admin.password,
    });

    // The loop on the same adapters; its trainer's run folders under the data folder, not /tmp.
    const continual = config.ARGUS_CONTINUAL
      ? loadConfig(ContinualFineTuneEnvSchema, { ARGUS_FINETUNE_WORK_DIR: path.join(config.dataDir, 'finetune-work'), ...env })
      : undefined;

    // Each run goes on with scenes no earlier run sent (a repeated scene is a duplicate: not stored or scored again).
    const claimedAtMs = Date.now();
    const sequence =
      cameraIngest.ARGUS_INGEST_SOURCES || !config.ARGUS_SIMULATOR
        ? undefined
        : await SimulatorSequence.claim(config.dataDir, config.ARGUS_SIMULATOR_FPS);
    const simulated = sequence
      ? demoCameraSources(config.ARGUS_SIMULATOR_FPS, sequence.start, config.ARGUS_SIMULATOR_DEFECT_RATE)
      : undefined;
    if (simulated)
      say(
        `  cameras  ${simulated.length} simulated at ${config.ARGUS_SIMULATOR_FPS} frames/s each, from scene ${sequence?.start} (ARGUS_SIMULATOR=off to disable)`,
      );
    else if (cameraIngest.ARGUS_INGEST_SOURCES) say(`  cameras  sources from ${cameraIngest.ARGUS_INGEST_SOURCES}`);
    say(
      continual
        ? `  learning continual fine-tune on: a line's job after ${continual.ARGUS_FINETUNE_MIN_NEW_LABELS} new labels, ${continual.ARGUS_FINETUNE_EPOCHS} epochs, trained in this process ${continual.ARGUS_FINETUNE_TRAIN_IN_THREAD ? 'in a worker thread' : 'on its main thread (ARGUS_FINETUNE_TRAIN_IN_THREAD=off)'} (ARGUS_CONTINUAL=off to disable)`
        : '  learning continual fine-tune off (ARGUS_CONTINUAL=off)',
    );
    const demoReviewer =
      config.ARGUS_DEMO_REVIEWER && simulated
        ? { sources: simulated, claimedAtMs, paceMs: Math.round(config.ARGUS_DEMO_REVIEWER_PACE_SECONDS * 1000) }
        : undefined;
    if (demoReviewer)
      say(
        `  reviewer scripted: one simulated alert every ${config.ARGUS_DEMO_REVIEWER_PACE_SECONDS} s from the scenes' true defects, as demo-reviewer`,
      );
    else if (config.ARGUS_DEMO_REVIEWER) say('  reviewer scripted reviewer off: it reviews simulated cameras only, and none run');

    const running = await bootstrapService({
      name: SERVICE_NAME,
      version: SERVICE_VERSION,
      module: EmbeddedSystemModule.register({
        adapters,
        cameraIngest,
        detectionInference: { ...detectionInference, ARGUS_MODELS_DIR: models.dir },
        sources: simulated,
        readinessCheckTimeoutMs: config.READINESS_CHECK_TIMEOUT_MS,
        console: consoleEnv,
        ...(continual ? { continual } : {}),
        ...(demoReviewer ? { demoReviewer } : {}),
      }),
      port: config.PORT,
      host: config.HOST,
      logLevel: config.LOG_LEVEL,
      // JSON bodies are the console's (frames are streamed by camera-ingest's own reader).
      bodyLimit: consoleEnv.HTTP_BODY_LIMIT,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
      errorHttpStatus: [...CAMERA_INGEST_ERROR_DOMAINS, ...CONSOLE_ERROR_DOMAINS, ...(continual ? CONTINUAL_FINE_TUNE_ERROR_DOMAINS : [])],
      configure: configureConsoleHttp({ version: SERVICE_VERSION, webDir: consoleEnv.ARGUS_CONSOLE_WEB_DIR }),
      onShutdown: shutdownTelemetry,
    });
    if (sequence) {
      sequence.keepReserving((error) =>
        logger.warn(
          { err: error },
          "could not renew the simulated cameras' reservation; a restart before the next renewal may send scenes again (duplicates)",
        ),
      );
      running.registry.register({ name: 'simulator-sequence', order: ShutdownOrder.closeDatabase, close: () => sequence.stop() });
    }
    running.registry.register({ name: 'embedded-bus', order: ShutdownOrder.flushProducer, close: () => adapters.closeBus() });
    running.registry.register({ name: 'embedded-database', order: ShutdownOrder.closeDatabase, close: () => adapters.closeDatabase() });

    const base = `http://${config.HOST}:${running.port}`;
    const consoleUrl = `${base}/`;
    say(`  console  ${consoleUrl} (API ${base}/api/v1, docs ${base}/api/docs, health ${base}/health/ready)`);
    say(`  admin    ${admin.note}`);
    say(
      `  uploads  POST ${base}/v1/lines/{lineId}/cameras/{cameraId}/frames (Bearer token${token.file ? ` in ${token.file}` : ': ARGUS_CAMERA_TOKEN'})`,
    );
    say(`  postgres ${adapters.databaseDisplayUrl} (psql works while Argus runs)`);
    say('Ctrl-C stops everything.');

    const monitor = running.app.get<PipelineStatusMonitor>(PIPELINE_STATUS);
    const reviewer = demoReviewer ? running.app.get<DemoReviewer>(DEMO_REVIEWER, { strict: false }) : undefined;
    const tty = Boolean(process.stdout.isTTY);
    const dataFolder = new DataFolderSizeProbe(config.dataDir, config.ARGUS_DATA_DIR_WARN_SIZE, 60_000);
    running.registry.register({ name: 'data-folder-size', order: ShutdownOrder.stopConsuming, close: () => dataFolder.stop() });
    dataFolder.start();
    const renderer = new StatusLineRenderer(
      process.stdout,
      () => ({ ...monitor.snapshot(), warnings: dataFolder.warnings(), ...(reviewer ? { reviewer: reviewer.reviewed() } : {}) }),
      consoleUrl,
      config.ARGUS_STATUS_INTERVAL_MS ?? (tty ? 1_000 : 10_000),
    );
    running.registry.register({ name: 'status-line', order: ShutdownOrder.stopConsuming - 1, close: () => renderer.stop() });
    renderer.start();
  } catch (error) {
    await adapters.closeDatabase().catch(() => undefined);
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`argus embedded mode failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
