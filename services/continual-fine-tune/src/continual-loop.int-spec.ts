import { randomBytes, randomUUID } from 'node:crypto';
import { DeadLetterHeaders, deadLetterTopicFor, type ReviewSubmittedV1, type TrainingJobRequestedV1, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessageMetadata, type MessagingLogger } from '@argus/messaging';
import { createThrowawayDatabase, databaseConfigFromEnv, runMigrations, type ThrowawayDatabase } from '@argus/persistence';
import type { RunningService } from '@argus/platform';
import { waitFor } from '@argus/platform/testing';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { ContinualErrorCodes } from './continual.errors';
import { seedLineInProduction, startContinualService } from './testing/continual-service.harness';

/**
 * The service as main.ts boots it (trainer worker off), on infra/local's Kafka, S3Proxy and a
 * throw-away, migrated Postgres database: operators' reviews become labels, two labels cross the
 * line's policy, and a data set version and a training job request follow.
 */
const run = randomBytes(4).toString('hex');
const lineId = `line-cft-${run}`;
const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const reviewDeadLetters: typeof Topics.reviewSubmitted = {
  ...Topics.reviewSubmitted,
  name: deadLetterTopicFor(Topics.reviewSubmitted.name),
};

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a value');
  return value;
}

describe('continual-fine-tune: reviews to a training job request, on Kafka, S3Proxy and Postgres', () => {
  jest.setTimeout(120_000);
  let db: ThrowawayDatabase;
  let service: RunningService;
  let observer: KafkaMessageBusAdapter;
  const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  const requested: TrainingJobRequestedV1[] = [];
  const deadLetters: { review: ReviewSubmittedV1; metadata: MessageMetadata }[] = [];
  const frameIds: string[] = [];
  let modelVersionId: string;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'continual-fine-tune-int'));
    await runMigrations(db.dataSource);
    await store.ensureBucket();
    const seeded = await seedLineInProduction(db, { lineId, run, frames: 3 });
    modelVersionId = seeded.modelVersionId;
    frameIds.push(...seeded.frameIds);

    observer = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId: `cft-int-${run}` }), logger: quiet });
    await observer.ensureTopics([Topics.reviewSubmitted, Topics.trainingJobRequested]);
    await observer.subscribe(Topics.trainingJobRequested, {
      groupId: `cft-int-requested-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (job) => void (job.lineId === lineId && requested.push(job)),
    });
    await observer.subscribe(reviewDeadLetters, {
      groupId: `cft-int-dlq-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (review, metadata) => void (review.lineId === lineId && deadLetters.push({ review, metadata })),
    });
    await observer.start();

    service = await startContinualService(db, {
      ARGUS_FINETUNE_MIN_NEW_LABELS: '2',
      ARGUS_FINETUNE_LABELS_GROUP_ID: `cft-int-labels-${run}`,
    });
  });

  afterAll(async () => {
    await service?.registry.closeAll(60_000);
    await observer?.stop();
    await db?.drop();
  });

  function review(frameId: string, decision: ReviewSubmittedV1['decision'], minutes: number): ReviewSubmittedV1 {
    return {
      eventId: randomUUID(),
      occurredAt: new Date(Date.UTC(2026, 2, 1, 8, minutes)).toISOString(),
      reviewId: randomUUID(),
      alertId: randomUUID(),
      frameId,
      lineId,
      cameraId: 'cam-1',
      reviewerId: randomUUID(),
      decision,
      boxes: decision === 'rejected' ? [] : [{ className: 'scratch', box: { x1: 2, y1: 3, x2: 20, y2: 30 } }],
      objectKey: `${lineId}/cam-1/${frameId}.png`,
      templateKey: null,
      comment: null,
    };
  }

  const count = async (sql: string, params: unknown[]) => (await db.dataSource.query<{ n: number }>(sql, params))[0]?.n ?? 0;

  it('records the labels, freezes a data set version into S3, records one job and announces it on Kafka', async () => {
    const [first, second] = frameIds as [string, string];
    await observer.publish(Topics.reviewSubmitted, review(first, 'corrected', 0));
    await observer.publish(Topics.reviewSubmitted, review(second, 'rejected', 1));

    await waitFor(
      'a training job request for the line on Kafka',
      () => requested.length > 0,
      60_000,
      async () =>
        `${await count(`SELECT count(*)::int AS n FROM labelled_frame WHERE line_id = $1`, [lineId])} labelled frames, ` +
        `${await count(`SELECT count(*)::int AS n FROM training_job WHERE line_id = $1`, [lineId])} jobs`,
    );
    expect(await count(`SELECT count(*)::int AS n FROM frame_label WHERE line_id = $1`, [lineId])).toBe(2);
    expect(await count(`SELECT count(*)::int AS n FROM labelled_frame WHERE line_id = $1`, [lineId])).toBe(2);

    const versions = await db.dataSource.query<{ id: string; number: number; fingerprint: string; manifest_key: string; counts: unknown }>(
      `SELECT id, number, fingerprint, manifest_key, counts FROM dataset_version WHERE line_id = $1`,
      [lineId],
    );
    expect(versions).toHaveLength(1);
    const version = must(versions[0]);
    expect(version.number).toBe(1);
    // The sample manifest: a header line, then one line per labelled frame.
    const [header, ...samples] = (await store.get(version.manifest_key))
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { manifest?: string; id?: string; boxes?: unknown[] });
    expect(header).toMatchObject({ manifest: 'argus.labelled-samples', classes: ['scratch'] });
    expect(samples.map((s) => s.id).sort()).toEqual([first, second].sort());
    expect(samples.find((s) => s.id === second)?.boxes).toEqual([]);

    const jobs = await db.dataSource.query<{ id: string; status: string; dataset_version_id: string; base_model_version_id: string }>(
      `SELECT id, status, dataset_version_id, base_model_version_id FROM training_job WHERE line_id = $1`,
      [lineId],
    );
    expect(jobs).toEqual([
      { id: expect.any(String), status: 'queued', dataset_version_id: version.id, base_model_version_id: modelVersionId },
    ]);
    const job = must(jobs[0]);
    expect(requested).toEqual([
      expect.objectContaining({
        jobId: job.id,
        lineId,
        datasetVersionId: version.id,
        datasetFingerprint: version.fingerprint,
        manifestKey: version.manifest_key,
        baseModelVersionId: modelVersionId,
        requestedBy: 'policy',
        triggers: [expect.objectContaining({ kind: 'new-labels' })],
      }),
    ]);
    await waitFor(
      'the job marked announced',
      async () => (await count(`SELECT count(*)::int AS n FROM training_job WHERE id = $1 AND announced_at IS NOT NULL`, [job.id])) === 1,
      10_000,
    );
  });

  it('dead-letters a review of a frame this installation does not store, with the reason, and asks for no other job', async () => {
    const unknown = review(randomUUID(), 'confirmed', 2);
    await observer.publish(Topics.reviewSubmitted, unknown);
    await waitFor(
      'the review on inspection.review.submitted.v1.dlq',
      () => deadLetters.some((d) => d.review.reviewId === unknown.reviewId),
      60_000,
    );
    const dead = must(deadLetters.find((d) => d.review.reviewId === unknown.reviewId));
    expect(dead.metadata.headers[DeadLetterHeaders.errorCode]).toBe(ContinualErrorCodes.unknownFrame);
    expect(dead.metadata.headers[DeadLetterHeaders.reason]).toContain(`frame ${unknown.frameId} is not stored here`);
    expect(await count(`SELECT count(*)::int AS n FROM frame_label WHERE review_id = $1`, [unknown.reviewId])).toBe(0);
    expect(requested).toHaveLength(1);
    expect(await count(`SELECT count(*)::int AS n FROM training_job WHERE line_id = $1`, [lineId])).toBe(1);
  });
});
