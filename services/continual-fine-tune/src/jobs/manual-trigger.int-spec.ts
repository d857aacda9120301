import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import {
  DeadLetterHeaders,
  deadLetterTopicFor,
  type TrainingJobRequestedV1,
  type TrainingTriggerAnsweredV1,
  type TrainingTriggerRequestedV1,
  Topics,
} from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessageMetadata, type MessagingLogger } from '@argus/messaging';
import { createThrowawayDatabase, databaseConfigFromEnv, runMigrations, type ThrowawayDatabase } from '@argus/persistence';
import type { RunningService } from '@argus/platform';
import { waitFor } from '@argus/platform/testing';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { ContinualErrorCodes } from '../continual.errors';
import { seedLineInProduction, startContinualService } from '../testing/continual-service.harness';

/**
 * "Trigger now" as the console sends it, against the service as main.ts boots it (trainer worker
 * off) on infra/local's Kafka, S3Proxy and a throw-away Postgres: a refusal is answered with its
 * reason and dead-lettered; an accepted request becomes one announced job with a manual trigger.
 */
const run = randomBytes(4).toString('hex');
const lineId = `line-manual-${run}`;
const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const requestDeadLetters: typeof Topics.trainingTriggerRequested = {
  ...Topics.trainingTriggerRequested,
  name: deadLetterTopicFor(Topics.trainingTriggerRequested.name),
};

describe('continual-fine-tune: manual triggers on Kafka, S3Proxy and Postgres', () => {
  jest.setTimeout(120_000);
  let db: ThrowawayDatabase;
  let service: RunningService;
  let observer: KafkaMessageBusAdapter;
  let frameId: string;
  const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  const answers: TrainingTriggerAnsweredV1[] = [];
  const requested: TrainingJobRequestedV1[] = [];
  const deadLetters: { request: TrainingTriggerRequestedV1; metadata: MessageMetadata }[] = [];

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'continual-fine-tune-manual-int'));
    await runMigrations(db.dataSource);
    await store.ensureBucket();
    frameId = (await seedLineInProduction(db, { lineId, run, frames: 1 })).frameIds[0] as string;

    observer = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `cft-manual-int-${run}` }),
      logger: quiet,
    });
    await observer.ensureTopics([
      Topics.reviewSubmitted,
      Topics.trainingJobRequested,
      Topics.trainingTriggerRequested,
      Topics.trainingTriggerAnswered,
    ]);
    const retry = { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 };
    await observer.subscribe(Topics.trainingTriggerAnswered, {
      groupId: `cft-manual-int-answers-${run}`,
      retry,
      handler: (answer) => void (answer.lineId === lineId && answers.push(answer)),
    });
    await observer.subscribe(Topics.trainingJobRequested, {
      groupId: `cft-manual-int-requested-${run}`,
      retry,
      handler: (job) => void (job.lineId === lineId && requested.push(job)),
    });
    await observer.subscribe(requestDeadLetters, {
      groupId: `cft-manual-int-dlq-${run}`,
      retry,
      handler: (request, metadata) => void (request.lineId === lineId && deadLetters.push({ request, metadata })),
    });
    await observer.start();

    service = await startContinualService(db, {
      // Only the manual trigger asks for a job here.
      ARGUS_FINETUNE_MIN_NEW_LABELS: '0',
      ARGUS_FINETUNE_LABELS_GROUP_ID: `cft-manual-int-labels-${run}`,
      ARGUS_FINETUNE_TRIGGERS_GROUP_ID: `cft-manual-int-triggers-${run}`,
    });
  });

  afterAll(async () => {
    await service?.registry.closeAll(60_000);
    await observer?.stop();
    await db?.drop();
  });

  const trigger = (reason: string): TrainingTriggerRequestedV1 => ({
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: randomUUID(),
    lineId,
    requestedBy: 'ana',
    reason,
  });
  const answerTo = async (request: TrainingTriggerRequestedV1) => {
    await waitFor('the answer on training.job.trigger-answered.v1', () => answers.some((a) => a.requestId === request.requestId), 60_000);
    return answers.find((a) => a.requestId === request.requestId) as TrainingTriggerAnsweredV1;
  };
  const count = async (sql: string, params: unknown[]) => (await db.dataSource.query<{ n: number }>(sql, params))[0]?.n ?? 0;

  it('refuses a trigger on a line with nothing labelled: answered with the reason, dead-lettered with it, no job', async () => {
    const request = trigger('try it now');
    await observer.publish(Topics.trainingTriggerRequested, request);
    expect(await answerTo(request)).toMatchObject({
      outcome: 'refused',
      jobId: null,
      errorCode: ContinualErrorCodes.nothingLabelled,
      reason: `line ${lineId} has no labelled frame yet: review some alerts or audit items first`,
      requestedBy: 'ana',
    });
    await waitFor(
      'the request on training.job.trigger-requested.v1.dlq',
      () => deadLetters.some((d) => d.request.requestId === request.requestId),
      60_000,
    );
    const dead = deadLetters.find((d) => d.request.requestId === request.requestId);
    expect(dead?.metadata.headers[DeadLetterHeaders.errorCode]).toBe(ContinualErrorCodes.nothingLabelled);
    expect(dead?.metadata.headers[DeadLetterHeaders.reason]).toContain('has no labelled frame yet');
    expect(await count(`SELECT count(*)::int AS n FROM training_job WHERE line_id = $1`, [lineId])).toBe(0);
  });

  it('turns a trigger into one announced job with a manual trigger; a second one is refused, naming the active job', async () => {
    await observer.publish(Topics.reviewSubmitted, {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      reviewId: randomUUID(),
      alertId: randomUUID(),
      frameId,
      lineId,
      cameraId: 'cam-1',
      reviewerId: randomUUID(),
      decision: 'corrected',
      boxes: [{ className: 'scratch', box: { x1: 2, y1: 3, x2: 20, y2: 30 } }],
      objectKey: `${lineId}/cam-1/${frameId}.png`,
      templateKey: null,
      comment: null,
    });
    await waitFor(
      'the label',
      async () => (await count(`SELECT count(*)::int AS n FROM labelled_frame WHERE line_id = $1`, [lineId])) === 1,
      60_000,
    );

    const request = trigger('operators corrected pin-holes all morning');
    await observer.publish(Topics.trainingTriggerRequested, request);
    const accepted = await answerTo(request);
    expect(accepted).toMatchObject({ outcome: 'accepted', errorCode: null });
    await waitFor('the job request on Kafka', () => requested.some((j) => j.jobId === accepted.jobId), 60_000);
    expect(requested.find((j) => j.jobId === accepted.jobId)).toMatchObject({
      lineId,
      requestedBy: 'ana',
      triggers: [{ kind: 'manual', reason: 'operators corrected pin-holes all morning' }],
    });
    expect(await count(`SELECT count(*)::int AS n FROM training_job WHERE line_id = $1 AND status = 'queued'`, [lineId])).toBe(1);

    const again = trigger('once more');
    await observer.publish(Topics.trainingTriggerRequested, again);
    expect(await answerTo(again)).toMatchObject({
      outcome: 'refused',
      jobId: accepted.jobId,
      errorCode: ContinualErrorCodes.jobAlreadyActive,
    });
    expect(await count(`SELECT count(*)::int AS n FROM training_job WHERE line_id = $1`, [lineId])).toBe(1);
  });

  it('answers the trigger CLI (a terminal\'s "trigger now") through the same topics: refused, naming the active job', async () => {
    const cli = await runCli(['--line', lineId, '--by', 'ops-on-call', '--reason', 'from the terminal', '--timeout-s', '60']);
    const [job] = await db.dataSource.query<{ id: string }>(`SELECT id FROM training_job WHERE line_id = $1`, [lineId]);
    expect(cli).toMatchObject({ code: 1 });
    expect(cli.stdout.trim()).toBe(
      `refused (${ContinualErrorCodes.jobAlreadyActive}): ${answers.find((a) => a.requestedBy === 'ops-on-call')?.reason} [job ${job?.id}]`,
    );
    expect(answers.filter((a) => a.requestedBy === 'ops-on-call')).toHaveLength(1);
  });
});

/** The CLI as a terminal runs it: its own process, the environment's Kafka. */
function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'services/continual-fine-tune/src/trigger-cli.ts', ...args], {
      cwd: path.resolve(__dirname, '..', '..', '..', '..'),
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
