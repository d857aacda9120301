import { createHash, randomUUID } from 'node:crypto';
import { FrameRepository, LineRepository, ModelRegistryRepository, type ThrowawayDatabase } from '@argus/persistence';
import { bootstrapService, type Environment, type RunningService } from '@argus/platform';
import { loadContinualFineTuneConfig } from '../config';
import { CONTINUAL_FINE_TUNE_ERROR_DOMAINS } from '../continual.errors';
import { ContinualFineTuneModule } from '../continual-fine-tune.module';
import { SERVICE_NAME, SERVICE_VERSION } from '../service.identity';

/**
 * For integration tests: a line with one camera, a registered detector in production on it, and
 * `frames` stored frame rows (the frames reviews may name).
 */
export async function seedLineInProduction(
  db: ThrowawayDatabase,
  options: { readonly lineId: string; readonly run: string; readonly frames: number },
): Promise<{ modelVersionId: string; frameIds: string[] }> {
  const { lineId, run } = options;
  const lines = new LineRepository(db.dataSource);
  await lines.upsertLine({ id: lineId, name: `Line ${lineId}` });
  await lines.addCamera({ lineId, id: 'cam-1', name: 'Camera 1' });
  const registry = new ModelRegistryRepository(db.dataSource);
  const { version } = await registry.register({
    name: `detector-${run}`,
    version: '1',
    artifactKey: `models/detector-${run}/1`,
    classes: ['scratch'],
    backend: 'onnx',
  });
  await registry.movePointer({
    lineId,
    fromVersionId: null,
    toVersionId: version.id,
    kind: 'promotion',
    promotedBy: 'test',
    reason: 'the line starts with it',
    previousPromotionId: null,
  });
  const frames = new FrameRepository(db.dataSource);
  const frameIds: string[] = [];
  for (let i = 0; i < options.frames; i++) {
    const { frame } = await frames.recordIngested({
      lineId,
      cameraId: 'cam-1',
      objectKey: `${lineId}/cam-1/${randomUUID()}.png`,
      contentType: 'image/png',
      width: 64,
      height: 48,
      byteSize: 100,
      sha256: createHash('sha256').update(`${run}-${i}`).digest('hex'),
      capturedAt: new Date(),
    });
    frameIds.push(frame.id);
  }
  return { modelVersionId: version.id, frameIds };
}

/**
 * The service as main.ts boots it, on infra/local's Kafka and S3Proxy and on `db`, with the trainer
 * worker off, the audit sample off and no timer-driven trigger pass during a test; `env` adds the test's own settings
 * (its consumer groups, its trigger thresholds).
 */
export async function startContinualService(db: ThrowawayDatabase, env: Environment): Promise<RunningService> {
  const databaseUrl = new URL(process.env['ARGUS_DATABASE_URL'] ?? '');
  databaseUrl.pathname = `/${db.name}`;
  const config = loadContinualFineTuneConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    ARGUS_DATABASE_URL: databaseUrl.toString(),
    ARGUS_FINETUNE_WORKER: 'off',
    ARGUS_FINETUNE_SCHEDULE_HOURS: '0',
    ARGUS_FINETUNE_TRIGGER_INTERVAL_SECONDS: '3600',
    // Off unless a test is about it: on the shared cluster the default group would read every other run's scored frames.
    ARGUS_CONTINUAL_AUDIT: 'off',
    ...env,
  });
  return bootstrapService({
    name: SERVICE_NAME,
    version: SERVICE_VERSION,
    module: ContinualFineTuneModule.register(config),
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    shutdownTimeoutMs: 60_000,
    errorHttpStatus: CONTINUAL_FINE_TUNE_ERROR_DOMAINS,
  });
}
