import { randomBytes, randomUUID } from 'node:crypto';
import { type ModelPromotedV1, type ReviewSubmittedV1, type TrainingJobRequestedV1, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';
import {
  AuditLogRepository,
  createThrowawayDatabase,
  databaseConfigFromEnv,
  DetectionRepository,
  LineLearningPolicyRepository,
  LineRepository,
  ModelRegistryRepository,
  NO_LINE_LEARNING_SETTINGS,
  runMigrations,
  ShadowModelRepository,
  ShadowStatsQuery,
  type ThrowawayDatabase,
} from '@argus/persistence';
import type { RunningService } from '@argus/platform';
import { waitFor } from '@argus/platform/testing';
import { ModelPromotionService, PromotionAuditActions } from '@argus/registry';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { seedLineInProduction, startContinualService } from '../testing/continual-service.harness';
import { AUTO_PROMOTION_ACTOR, AutoPromoteShadowsUseCase } from './auto-promote-shadows.use-case';

/**
 * Per-line learning policies against the service as main.ts boots it (trainer worker off, the
 * trigger timer every second) on infra/local's Kafka, S3Proxy and a throw-away Postgres: a line's
 * own threshold fires a job where the service default would not; auto-promotion promotes an
 * agreeing shadow once (audited, announced, shadow ended) — not while it lacks frames, never on a
 * line that has it off — and two instances judging one shadow at once promote it once.
 */
const run = randomBytes(4).toString('hex');
const line = (name: string) => `line-${name}-${run}`;
const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const box = { x1: 2, y1: 3, x2: 20, y2: 30 };

describe('continual-fine-tune: per-line learning policy and auto-promotion on Kafka, S3Proxy and Postgres', () => {
  jest.setTimeout(120_000);
  let db: ThrowawayDatabase;
  let service: RunningService;
  let observer: KafkaMessageBusAdapter;
  let policies: LineLearningPolicyRepository;
  const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  const requested: TrainingJobRequestedV1[] = [];
  const promoted: ModelPromotedV1[] = [];
  const frames = new Map<string, string[]>();
  const production = new Map<string, string>();

  const setPolicy = (lineId: string, settings: Partial<typeof NO_LINE_LEARNING_SETTINGS>) =>
    policies.replace({ lineId, updatedBy: 'test', ...NO_LINE_LEARNING_SETTINGS, ...settings });
  const count = async (sql: string, params: unknown[]) => (await db.dataSource.query<{ n: number }>(sql, params))[0]?.n ?? 0;

  /** A candidate (gates passed) shadowing the line, with `agreeing` frames where it and production found the same box. */
  async function shadowLine(lineId: string, agreeing: number): Promise<string> {
    const registry = new ModelRegistryRepository(db.dataSource);
    const { version } = await registry.register({
      name: `candidate-${lineId}`,
      version: 'ft-1',
      artifactKey: `models/candidate-${lineId}/ft-1`,
      classes: ['scratch'],
      backend: 'onnx',
      metrics: { gatesPassed: 1 },
    });
    await new ShadowModelRepository(db.dataSource).setShadow({ lineId, modelVersionId: version.id, setBy: 'test', reason: 'gates passed' });
    await scoreByBoth(lineId, version.id, agreeing);
    return version.id;
  }

  async function scoreByBoth(lineId: string, shadowVersionId: string, n: number): Promise<void> {
    const detections = new DetectionRepository(db.dataSource);
    const shadows = new ShadowModelRepository(db.dataSource);
    const pool = frames.get(lineId) ?? [];
    for (const frameId of pool.splice(0, n)) {
      const found = [{ className: 'scratch', score: 0.9, box }];
      await detections.saveForFrame(frameId, production.get(lineId) as string, found, { inferenceMs: 5 });
      await shadows.saveDetections({ frameId, lineId, modelVersionId: shadowVersionId, detections: found, inferenceMs: 6 });
    }
  }

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'continual-fine-tune-policy-int'));
    await runMigrations(db.dataSource);
    await store.ensureBucket();
    const lines = new LineRepository(db.dataSource);
    for (const name of ['own', 'default', 'auto', 'off', 'twice']) {
      const lineId = line(name);
      const seeded = await seedLineInProduction(db, { lineId, run: `${run}-${name}`, frames: 6 });
      frames.set(lineId, seeded.frameIds);
      production.set(lineId, seeded.modelVersionId);
      await lines.setAlertRules(lineId, [{ className: '*', minScore: 0.5, minBoxAreaPx2: 0, severity: 'high' }]);
    }
    policies = new LineLearningPolicyRepository(db.dataSource);

    observer = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `cft-policy-int-${run}` }),
      logger: quiet,
    });
    await observer.ensureTopics([Topics.reviewSubmitted, Topics.trainingJobRequested, Topics.modelPromoted]);
    const retry = { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 };
    await observer.subscribe(Topics.trainingJobRequested, {
      groupId: `cft-policy-int-requested-${run}`,
      retry,
      handler: (job) => void (job.lineId.endsWith(run) && requested.push(job)),
    });
    await observer.subscribe(Topics.modelPromoted, {
      groupId: `cft-policy-int-promoted-${run}`,
      retry,
      handler: (event) => void (event.lineId.endsWith(run) && promoted.push(event)),
    });
    await observer.start();

    service = await startContinualService(db, {
      // The service's own new-labels rule is off: only a line's policy can make it fire.
      ARGUS_FINETUNE_MIN_NEW_LABELS: '0',
      ARGUS_FINETUNE_TRIGGER_INTERVAL_SECONDS: '1',
      ARGUS_FINETUNE_AUTO_PROMOTE_MIN_FRAMES: '1000',
      ARGUS_FINETUNE_LABELS_GROUP_ID: `cft-policy-int-labels-${run}`,
      ARGUS_FINETUNE_TRIGGERS_GROUP_ID: `cft-policy-int-triggers-${run}`,
    });
  });

  afterAll(async () => {
    await service?.registry.closeAll(60_000);
    await observer?.stop();
    await db?.drop();
  });

  const review = (lineId: string, frameId: string): ReviewSubmittedV1 => ({
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    reviewId: randomUUID(),
    alertId: randomUUID(),
    frameId,
    lineId,
    cameraId: 'cam-1',
    reviewerId: randomUUID(),
    decision: 'corrected',
    boxes: [{ className: 'scratch', box }],
    objectKey: `${lineId}/cam-1/${frameId}.png`,
    templateKey: null,
    comment: null,
  });

  it("fires a line's new-labels rule at the line's own threshold, where the service default (off) fires nothing", async () => {
    await setPolicy(line('own'), { minNewLabels: 2 });
    for (const lineId of [line('own'), line('default')]) {
      for (const frameId of (frames.get(lineId) ?? []).slice(0, 2)) await observer.publish(Topics.reviewSubmitted, review(lineId, frameId));
    }
    await waitFor(
      'both lines labelled',
      async () =>
        (await count(`SELECT count(*)::int AS n FROM labelled_frame WHERE line_id = ANY($1)`, [[line('own'), line('default')]])) === 4,
      60_000,
    );
    await waitFor('the job request of the line with its own policy', () => requested.some((j) => j.lineId === line('own')), 60_000);
    expect(requested.find((j) => j.lineId === line('own'))?.triggers).toEqual([
      { kind: 'new-labels', reason: '2 frames labelled since the last job (policy: 2)' },
    ]);
    // Two timer rounds later, the line that follows the service defaults still has no job.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await count(`SELECT count(*)::int AS n FROM training_job WHERE line_id = $1`, [line('default')])).toBe(0);
  });

  it("auto-promotion: waits for the line's minimum of agreeing frames, then promotes once — audited, announced, shadow ended", async () => {
    const lineId = line('auto');
    const shadow = await shadowLine(lineId, 2);
    await setPolicy(lineId, { autoPromoteEnabled: true, autoPromoteMinFrames: 3, autoPromoteMinAgreement: 0.9 });
    const registry = new ModelRegistryRepository(db.dataSource);
    // Rounds run every second: two frames of three keep it waiting.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await registry.productionEntry(lineId))?.promotion.toVersionId).toBe(production.get(lineId));
    expect(promoted.filter((p) => p.lineId === lineId)).toEqual([]);

    await scoreByBoth(lineId, shadow, 1);
    await waitFor('the promotion on Kafka', () => promoted.some((p) => p.lineId === lineId), 60_000);
    const [event] = promoted.filter((p) => p.lineId === lineId);
    expect(event).toMatchObject({
      modelVersionId: shadow,
      previousModelVersionId: production.get(lineId),
      promotedBy: AUTO_PROMOTION_ACTOR,
      kind: 'promotion',
    });
    expect(event?.reason).toContain('agreed with production on 3 frames (precision 1.000, recall 1.000, each ≥ 0.900)');
    expect((await registry.productionEntry(lineId))?.promotion.toVersionId).toBe(shadow);
    const audit = await new AuditLogRepository(db.dataSource).list({ action: PromotionAuditActions.promotion, subjectId: lineId });
    expect(audit.items.map((e) => e.actor)).toEqual([AUTO_PROMOTION_ACTOR]);
    await waitFor(
      'the shadow ended',
      async () => (await count(`SELECT count(*)::int AS n FROM line_shadow_model WHERE line_id = $1`, [lineId])) === 0,
      10_000,
    );

    // Later rounds leave it alone: one promotion.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(promoted.filter((p) => p.lineId === lineId)).toHaveLength(1);
    expect(await count(`SELECT count(*)::int AS n FROM model_promotion WHERE line_id = $1`, [lineId])).toBe(2);
  });

  it('never promotes on a line with auto-promotion off, however well its shadow agrees', async () => {
    const lineId = line('off');
    await shadowLine(lineId, 5);
    await setPolicy(lineId, { autoPromoteEnabled: false, autoPromoteMinFrames: 1, minNewLabels: 100 });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(promoted.filter((p) => p.lineId === lineId)).toEqual([]);
    expect((await new ModelRegistryRepository(db.dataSource).productionEntry(lineId))?.promotion.toVersionId).toBe(production.get(lineId));
    expect(await count(`SELECT count(*)::int AS n FROM line_shadow_model WHERE line_id = $1`, [lineId])).toBe(1);
  });

  it('two instances judging the same shadow at once promote it once', async () => {
    const lineId = line('twice');
    const shadow = await shadowLine(lineId, 3);
    const instance = () => {
      const registry = new ModelRegistryRepository(db.dataSource);
      return new AutoPromoteShadowsUseCase(
        {
          withAutoPromotion: async () => [
            {
              ...NO_LINE_LEARNING_SETTINGS,
              lineId,
              autoPromoteEnabled: true,
              autoPromoteMinFrames: 3,
              autoPromoteMinAgreement: 0.9,
              updatedBy: 't',
              updatedAt: new Date(),
            },
          ],
        },
        new ShadowModelRepository(db.dataSource),
        new ShadowStatsQuery(db.dataSource),
        registry,
        new ModelPromotionService(registry, observer),
        { minFrames: 1000, minAgreement: 1 },
        { info: () => undefined, warn: () => undefined },
      );
    };
    const outcomes = (await Promise.all([instance().runOnce(), instance().runOnce()])).flat();
    expect(outcomes.filter((o) => o.outcome === 'promoted' && o.changed)).toHaveLength(1);
    await waitFor('the promotion on Kafka', () => promoted.some((p) => p.lineId === lineId), 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(promoted.filter((p) => p.lineId === lineId).map((p) => p.modelVersionId)).toEqual([shadow]);
    expect(
      await count(`SELECT count(*)::int AS n FROM audit_log WHERE subject_id = $1 AND action = $2`, [
        lineId,
        PromotionAuditActions.promotion,
      ]),
    ).toBe(1);
  });
});
