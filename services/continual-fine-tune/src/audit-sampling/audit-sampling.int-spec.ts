import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  DeadLetterErrorCodes,
  DeadLetterHeaders,
  deadLetterTopicFor,
  type Detection,
  type DetectionsProducedV1,
  type ReviewSubmittedV1,
  type TopicContract,
  Topics,
} from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessageMetadata, type MessagingLogger } from '@argus/messaging';
import {
  AlertRepository,
  createThrowawayDatabase,
  databaseConfigFromEnv,
  LineRepository,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import type { RunningService } from '@argus/platform';
import { waitFor } from '@argus/platform/testing';
import { ContinualErrorCodes } from '../continual.errors';
import { seedLineInProduction, startContinualService } from '../testing/continual-service.harness';

/**
 * The audit sample as main.ts boots it, on infra/local's Kafka and a throw-away Postgres: scored
 * frames on inspection.detections.produced.v1 become audit items (alert rows of kind `audit`) when
 * they raised no alert and fell just under the line's threshold — once, however often delivered.
 */
const run = randomBytes(4).toString('hex');
const lineId = `line-audit-${run}`;
const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** What the dead-letter topic holds, read without the schema (a malformed event is there as sent). */
const anyEvent = z.object({ frameId: z.unknown().optional() }).passthrough();
const deadLetterTopic: TopicContract<typeof anyEvent> = {
  name: deadLetterTopicFor(Topics.detectionsProduced.name),
  schema: anyEvent,
  keyOf: () => 'dlq',
  partitions: Topics.detectionsProduced.partitions,
};
/** Publishes anything on the scored-frames topic: how a broken producer would. */
const looseTopic: TopicContract<typeof anyEvent> = { ...deadLetterTopic, name: Topics.detectionsProduced.name };

describe('continual-fine-tune: the audit sample on Kafka and Postgres', () => {
  jest.setTimeout(120_000);
  let db: ThrowawayDatabase;
  let service: RunningService;
  let observer: KafkaMessageBusAdapter;
  const deadLetters: { event: z.infer<typeof anyEvent>; metadata: MessageMetadata }[] = [];
  let frameIds: string[];
  let modelVersionId: string;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'cft-audit-int'));
    await runMigrations(db.dataSource);
    const seeded = await seedLineInProduction(db, { lineId, run, frames: 4 });
    modelVersionId = seeded.modelVersionId;
    frameIds = seeded.frameIds;
    // The line's threshold is the lowest min-score of its rules: 0.5.
    await new LineRepository(db.dataSource).setAlertRules(lineId, [
      { className: '*', minScore: 0.7, minBoxAreaPx2: 0, severity: 'medium' },
      { className: 'scratch', minScore: 0.5, minBoxAreaPx2: 0, severity: 'high' },
    ]);

    observer = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId: `cft-audit-int-${run}` }), logger: quiet });
    await observer.ensureTopics([Topics.detectionsProduced, Topics.reviewSubmitted, deadLetterTopic]);
    await observer.subscribe(deadLetterTopic, {
      groupId: `cft-audit-int-dlq-${run}`,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (event, metadata) => void (JSON.stringify(event).includes(run) && deadLetters.push({ event, metadata })),
    });
    await observer.start();

    service = await startContinualService(db, {
      // Labels on (their own group), no job: the review of an audit item becomes a label like any review.
      ARGUS_FINETUNE_LABELS_GROUP_ID: `cft-audit-int-labels-${run}`,
      ARGUS_FINETUNE_MIN_NEW_LABELS: '0',
      ARGUS_CONTINUAL_AUDIT: 'on',
      ARGUS_CONTINUAL_AUDIT_NO_ALERT_SHARE: '0',
      ARGUS_CONTINUAL_AUDIT_GROUP_ID: `cft-audit-int-${run}`,
    });
  });

  afterAll(async () => {
    await service?.registry.closeAll(60_000);
    await observer?.stop();
    await db?.drop();
  });

  const scored = (frameId: string, detections: Detection[]): DetectionsProducedV1 => ({
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    frameId,
    lineId,
    cameraId: 'cam-1',
    modelVersionId,
    detections,
    imageWidth: 64,
    imageHeight: 48,
    inferenceMs: 4,
  });
  const box = { x1: 2, y1: 3, x2: 20, y2: 30 };
  const auditRows = () =>
    db.dataSource.query<{ frame_id: string; kind: string; audit_reason: string; uncertainty: number; status: string; detections: unknown }>(
      `SELECT frame_id, kind, audit_reason, uncertainty, status, detections FROM alert WHERE line_id = $1 ORDER BY created_at`,
      [lineId],
    );

  it('makes a frame just under the threshold one audit item (twice delivered: still one), and leaves an alerted frame alone', async () => {
    const [weak, strong, marker] = frameIds as [string, string, string];
    const weakEvent = scored(weak, [{ className: 'scratch', score: 0.45, box }]);
    await observer.publish(Topics.detectionsProduced, weakEvent);
    await observer.publish(Topics.detectionsProduced, { ...weakEvent, eventId: randomUUID() }); // a redelivery, re-published
    await observer.publish(Topics.detectionsProduced, scored(strong, [{ className: 'scratch', score: 0.9, box }]));
    // Partitions are by camera: once this last one is in, the three before it were handled.
    await observer.publish(Topics.detectionsProduced, scored(marker, [{ className: 'scratch', score: 0.4, box }]));

    await waitFor(
      'the last frame audited',
      async () => (await auditRows()).some((r) => r.frame_id === marker),
      60_000,
      async () => JSON.stringify(await auditRows()),
    );
    const rows = await auditRows();
    expect(rows.map((r) => r.frame_id)).toEqual([weak, marker]);
    expect(rows[0]).toEqual({
      frame_id: weak,
      kind: 'audit',
      audit_reason: 'near-threshold',
      uncertainty: expect.closeTo(0.9, 6),
      status: 'open',
      detections: [{ className: 'scratch', score: 0.45, box }],
    });

    const alerts = new AlertRepository(db.dataSource);
    // Not an alert: not in the queue nor its counts; in the audit queue, most uncertain first.
    expect(await alerts.findAlerts({ lineId })).toEqual([]);
    expect(await alerts.countOpenForLine(lineId)).toBe(0);
    expect((await alerts.findAuditItems({ lineId, status: 'open' })).map((a) => [a.frameId, a.audit?.reason])).toEqual([
      [weak, 'near-threshold'],
      [marker, 'near-threshold'],
    ]);
  });

  it("turns an operator's 'no defect' on an audit item (review-submitted, as the console publishes it) into a hard negative", async () => {
    const [item] = await new AlertRepository(db.dataSource).findAuditItems({ lineId, status: 'open' });
    if (!item) throw new Error('no audit item');
    const review: ReviewSubmittedV1 = {
      eventId: randomUUID(),
      occurredAt: new Date().toISOString(),
      reviewId: randomUUID(),
      alertId: item.id,
      frameId: item.frameId,
      lineId,
      cameraId: 'cam-1',
      reviewerId: randomUUID(),
      decision: 'rejected',
      boxes: [],
      objectKey: `${lineId}/cam-1/${item.frameId}.png`,
      templateKey: null,
      comment: null,
    };
    await observer.publish(Topics.reviewSubmitted, review);
    const label = async () =>
      (
        await db.dataSource.query<{ winner_review_id: string; label: { boxes?: unknown[] } }>(
          `SELECT winner_review_id, label FROM labelled_frame WHERE frame_id = $1`,
          [item.frameId],
        )
      )[0];
    await waitFor('the frame labelled', async () => (await label()) !== undefined, 60_000);
    expect(await label()).toMatchObject({ winner_review_id: review.reviewId, label: expect.objectContaining({ boxes: [] }) });
  });

  it('dead-letters a malformed scored frame with the schema reason, and an unknown frame with audit.unknown-frame', async () => {
    const unknownFrame = randomUUID();
    await observer.publish(looseTopic, { frameId: `not-a-uuid-${run}`, lineId, cameraId: 'cam-1' });
    await observer.publish(Topics.detectionsProduced, {
      ...scored(unknownFrame, [{ className: 'scratch', score: 0.45, box }]),
      lineId,
    });
    await waitFor(
      'both on inspection.detections.produced.v1.dlq',
      () => deadLetters.length >= 2,
      60_000,
      () => JSON.stringify(deadLetters.map((d) => d.metadata.headers)),
    );
    const malformed = deadLetters.find((d) => d.event.frameId === `not-a-uuid-${run}`);
    expect(malformed?.metadata.headers[DeadLetterHeaders.errorCode]).toBe(DeadLetterErrorCodes.invalidMessage);
    expect(malformed?.metadata.headers[DeadLetterHeaders.reason]).toMatch(/frameId/);
    const unknown = deadLetters.find((d) => d.event.frameId === unknownFrame);
    expect(unknown?.metadata.headers[DeadLetterHeaders.errorCode]).toBe(ContinualErrorCodes.auditUnknownFrame);
    expect(await db.dataSource.query(`SELECT 1 FROM alert WHERE frame_id = $1`, [unknownFrame])).toEqual([]);
  });
});
