/**
 * Test-only: frame retention on real adapters, as a Jest suite run against each pair of them
 * (Postgres + S3Proxy in frame-retention.int-spec.ts, PGlite + the filesystem store in
 * frame-retention.embedded.int-spec.ts). Expired frames, their rows and their objects go together;
 * what is kept keeps its rows and its objects.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Database, FrameRepository, FrameRetentionRepository, LineRepository } from '@argus/persistence';
import type { ObjectStore } from '@argus/storage';
import type { RetentionRules } from '../frame-retention.policy';
import { FrameRetentionUseCase } from '../frame-retention.use-case';

export interface RetentionAdapters {
  /** Migrated. */
  readonly db: Database;
  /** Its bucket exists. */
  readonly store: ObjectStore;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const DEFAULTS: RetentionRules = { maxAgeMs: 7 * DAY, alertedMaxAgeMs: 90 * DAY, reviewedMaxAgeMs: null, maxBytes: null };

type Kind = 'plain' | 'alerted' | 'reviewed';

interface Seeded {
  readonly id: string;
  readonly objectKey: string;
  readonly templateKey: string | null;
}

export function describeRetentionOnAdapters(name: string, open: () => Promise<RetentionAdapters>): void {
  describe(`frame retention on ${name}`, () => {
    jest.setTimeout(60_000);
    let adapters: RetentionAdapters;
    let db: Database;
    let store: ObjectStore;
    let modelVersionId: string;
    const run = randomBytes(3).toString('hex');
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);

    beforeAll(async () => {
      adapters = await open();
      db = adapters.db;
      store = adapters.store;
      const [model] = (await db.query(
        `INSERT INTO model_version (name, version, artifact_key, classes, backend) VALUES ('retention-it', $1, 'models/r.onnx', '["scratch"]', 'onnx') RETURNING id`,
        [randomUUID()],
      )) as { id: string }[];
      modelVersionId = model?.id ?? '';
    });
    afterAll(async () => {
      await adapters?.close();
    });

    async function newLine(label: string, settings: Record<string, unknown> = {}): Promise<string> {
      const lineId = `ret-${label}-${run}`;
      const lines = new LineRepository(db);
      await lines.upsertLine({ id: lineId, name: lineId, settings });
      await lines.addCamera({ lineId, id: 'cam', name: 'cam' });
      return lineId;
    }

    async function putObject(key: string, bytes = 16): Promise<void> {
      await store.put(key, randomBytes(bytes), { contentType: 'image/png', size: bytes });
    }

    /** A frame as ingest leaves it (object, then row), ingested `age` before the pass, with what hangs off it. */
    async function frame(
      lineId: string,
      age: number,
      kind: Kind,
      options: { templateKey?: string; byteSize?: number } = {},
    ): Promise<Seeded> {
      const id = randomUUID();
      const objectKey = `${lineId}/cam/2026/12/07/${id}.png`;
      await putObject(objectKey, options.byteSize ?? 16);
      const templateKey = options.templateKey ?? null;
      if (templateKey && !(await store.exists(templateKey))) await putObject(templateKey);
      await new FrameRepository(db).recordIngested({
        id,
        lineId,
        cameraId: 'cam',
        objectKey,
        contentType: 'image/png',
        templateKey,
        width: 8,
        height: 8,
        byteSize: options.byteSize ?? 16,
        sha256: createHash('sha256').update(id).digest('hex'),
        capturedAt: ago(age),
      });
      await db.query(`UPDATE frame SET ingested_at = $2 WHERE id = $1`, [id, ago(age)]);
      await db.query(`INSERT INTO frame_inference (frame_id, model_version_id, detection_count) VALUES ($1, $2, 1)`, [id, modelVersionId]);
      await db.query(
        `INSERT INTO detection (frame_id, model_version_id, ordinal, class_name, score, x1, y1, x2, y2) VALUES ($1, $2, 0, 'scratch', 0.9, 1, 1, 4, 4)`,
        [id, modelVersionId],
      );
      if (kind !== 'plain') {
        await db.query(
          `INSERT INTO alert (frame_id, line_id, camera_id, model_version_id, severity, detections) VALUES ($1, $2, 'cam', $3, 'high', '[]')`,
          [id, lineId, modelVersionId],
        );
      }
      if (kind === 'reviewed') {
        await db.query(
          `INSERT INTO review (alert_id, reviewer_id, decision) SELECT id, gen_random_uuid(), 'confirmed' FROM alert WHERE frame_id = $1`,
          [id],
        );
      }
      return { id, objectKey, templateKey };
    }

    function retention(rules: Partial<RetentionRules> = {}): FrameRetentionUseCase {
      return new FrameRetentionUseCase(
        new LineRepository(db),
        new FrameRetentionRepository(db),
        store,
        { now: () => now },
        { info: () => undefined, warn: () => undefined },
        // The objects are written now for rows dated days back, which the guard against objects
        // written again would take for rewrites: a grace of years turns it off here (the unit tests check it).
        { defaults: { ...DEFAULTS, ...rules }, batchSize: 3, batchPauseMs: 0, minAgeMs: 10 * MINUTE, objectGraceMs: 10_000 * DAY },
      );
    }

    async function rowsOf(frameId: string): Promise<Record<string, number>> {
      const [row] = (await db.query(
        `SELECT (SELECT count(*) FROM frame WHERE id = $1)::int AS frame,
                (SELECT count(*) FROM frame_inference WHERE frame_id = $1)::int AS inference,
                (SELECT count(*) FROM detection WHERE frame_id = $1)::int AS detection,
                (SELECT count(*) FROM alert WHERE frame_id = $1)::int AS alert,
                (SELECT count(*) FROM review r JOIN alert a ON a.id = r.alert_id WHERE a.frame_id = $1)::int AS review`,
        [frameId],
      )) as Record<string, number>[];
      return row ?? {};
    }

    async function expectGone(frame: Seeded): Promise<void> {
      expect(await rowsOf(frame.id)).toEqual({ frame: 0, inference: 0, detection: 0, alert: 0, review: 0 });
      expect(await store.exists(frame.objectKey)).toBe(false);
    }

    async function expectKept(frame: Seeded, kind: Kind): Promise<void> {
      const alerts = kind === 'plain' ? 0 : 1;
      expect(await rowsOf(frame.id)).toEqual({ frame: 1, inference: 1, detection: 1, alert: alerts, review: kind === 'reviewed' ? 1 : 0 });
      expect(await store.exists(frame.objectKey)).toBe(true);
      if (frame.templateKey) expect(await store.exists(frame.templateKey)).toBe(true);
    }

    /** Every frame row of the line names objects that exist: no row points at a missing object. */
    async function expectNoDanglingRows(lineId: string): Promise<void> {
      const rows = (await db.query(`SELECT object_key, template_key FROM frame WHERE line_id = $1`, [lineId])) as {
        object_key: string;
        template_key: string | null;
      }[];
      for (const row of rows) {
        expect(await store.exists(row.object_key)).toBe(true);
        if (row.template_key) expect(await store.exists(row.template_key)).toBe(true);
      }
    }

    it('deletes expired frames with their rows and objects; keeps alerted frames within their longer age and reviewed frames', async () => {
      const lineId = await newLine('age');
      const lineTemplate = `${lineId}/templates/golden.png`;
      await putObject(lineTemplate);
      await new LineRepository(db).setTemplate(lineId, { objectKey: lineTemplate, width: 8, height: 8 });
      const ownTemplate = `${lineId}/cam/templates/own-${run}.png`;
      const sharedTemplate = `${lineId}/cam/templates/shared-${run}.png`;

      const plainOld = await frame(lineId, 8 * DAY, 'plain', { templateKey: ownTemplate });
      const plainOldShared = await frame(lineId, 9 * DAY, 'plain', { templateKey: sharedTemplate });
      const plainOldLineTemplate = await frame(lineId, 10 * DAY, 'plain', { templateKey: lineTemplate });
      const plainYoung = await frame(lineId, 1 * DAY, 'plain', { templateKey: sharedTemplate });
      const alerted30d = await frame(lineId, 30 * DAY, 'alerted');
      const alerted91d = await frame(lineId, 91 * DAY, 'alerted');
      const reviewedOld = await frame(lineId, 400 * DAY, 'reviewed');
      const extraPlain = await Promise.all([11, 12, 13].map((days) => frame(lineId, days * DAY, 'plain')));

      const report = await retention().runPass();
      const line = report.lines.find((l) => l.lineId === lineId);
      expect(report.failures).toEqual([]);
      expect(line).toMatchObject({ framesByAge: 7, framesBySize: 0, framesKept: 0, objectsLeft: 0 });
      // 7 frame images and the one template nobody names any more.
      expect(line?.objectsDeleted).toBe(8);

      for (const gone of [plainOld, plainOldShared, plainOldLineTemplate, alerted91d, ...extraPlain]) await expectGone(gone);
      expect(await store.exists(ownTemplate)).toBe(false);
      expect(await store.exists(sharedTemplate)).toBe(true); // plainYoung still names it
      expect(await store.exists(lineTemplate)).toBe(true); // the line's golden template
      await expectKept(plainYoung, 'plain');
      await expectKept(alerted30d, 'alerted');
      await expectKept(reviewedOld, 'reviewed');
      await expectNoDanglingRows(lineId);

      // A second pass finds nothing more.
      const again = (await retention().runPass()).lines.find((l) => l.lineId === lineId);
      expect(again).toMatchObject({ framesByAge: 0, framesBySize: 0, objectsDeleted: 0 });
    });

    it("over the line's byte cap removes its oldest plain frames, then alerted ones, never reviewed ones", async () => {
      const lineId = await newLine('size', { retention: { maxBytes: 350, maxAge: 'never' } });
      const reviewed = await frame(lineId, 5 * DAY, 'reviewed', { byteSize: 100 });
      const alertedOld = await frame(lineId, 4 * DAY, 'alerted', { byteSize: 100 });
      const plainOld = await frame(lineId, 3 * DAY, 'plain', { byteSize: 100 });
      const alertedNew = await frame(lineId, 2 * DAY, 'alerted', { byteSize: 100 });
      const plainNew = await frame(lineId, 1 * DAY, 'plain', { byteSize: 100 });
      const plainNow = await frame(lineId, MINUTE, 'plain', { byteSize: 100 }); // younger than the minimum age

      // 600 bytes, a cap of 350: plainOld and plainNew (plainNow is too young), then alertedOld covers the rest.
      const report = await retention().runPass();
      expect(report.lines.find((l) => l.lineId === lineId)).toMatchObject({ framesBySize: 3, framesByAge: 0, bytes: 300, overCapBytes: 0 });
      for (const gone of [plainOld, plainNew]) await expectGone(gone);
      await expectGone(alertedOld);
      await expectKept(alertedNew, 'alerted');
      await expectKept(plainNow, 'plain');
      await expectKept(reviewed, 'reviewed');
      await expectNoDanglingRows(lineId);
    });
  });
}
