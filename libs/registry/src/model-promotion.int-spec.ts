import { randomUUID } from 'node:crypto';
import type { Topics } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import {
  AuditLogRepository,
  createThrowawayDatabase,
  databaseConfigFromEnv,
  LineNotFoundError,
  LineRepository,
  ModelRegistryRepository,
  ModelVersionNotFoundError,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { ModelPromotionService } from './model-promotion.service';
import { ModelIncompatibleWithLineError, NoPreviousModelVersionError, NoProductionModelError } from './registry.errors';
import { newModelVersionInput } from '@argus/persistence/src/testing/model-version.fixture';

/**
 * The registry's rules applied on Postgres: the line lock, the pointer, the history and the audit
 * entry in one transaction. Against the Postgres that `infra/local/infra.sh up` starts; this file
 * gets its own database.
 */
describe('model promotion against Postgres', () => {
  let db: ThrowawayDatabase;
  let lines: LineRepository;
  let registry: ModelRegistryRepository;
  let audit: AuditLogRepository;
  let promotions: ModelPromotionService;
  const published: unknown[] = [];
  let seq = 0;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    lines = new LineRepository(db.dataSource);
    registry = new ModelRegistryRepository(db.dataSource);
    audit = new AuditLogRepository(db.dataSource);
    const bus: Pick<MessageBus, 'publish'> = {
      publish: async (_topic: typeof Topics.modelPromoted, message: unknown) => void published.push(message),
    } as Pick<MessageBus, 'publish'>;
    promotions = new ModelPromotionService(registry, bus);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function newLine(): Promise<{ lineId: string }> {
    seq += 1;
    const lineId = `line-${seq}`;
    await lines.upsertLine({ id: lineId, name: `Line ${seq}` });
    return { lineId };
  }

  describe('ModelPromotionService on Postgres: promotion and rollback', () => {
    it('promotes, records history and audit in one go, and rolls back step by step', async () => {
      const { lineId } = await newLine();
      const [a, b, c] = await Promise.all([
        registry.register(newModelVersionInput()),
        registry.register(newModelVersionInput()),
        registry.register(newModelVersionInput()),
      ]).then((rs) => rs.map((r) => r.version));
      if (!a || !b || !c) throw new Error('expected three versions');

      expect(await registry.productionModelFor(lineId)).toBeNull();
      await expect(promotions.rollback(lineId, 'ops', 'nothing yet')).rejects.toBeInstanceOf(NoProductionModelError);

      const pA = await promotions.promote(lineId, a.id, 'alice', 'first model');
      expect(pA).toMatchObject({ changed: true, promotion: { fromVersionId: null, toVersionId: a.id, kind: 'promotion' } });
      await expect(promotions.rollback(lineId, 'ops', 'too early')).rejects.toBeInstanceOf(NoPreviousModelVersionError);
      expect(await promotions.rollbackTargetOf(lineId)).toBeNull();
      await promotions.promote(lineId, b.id, 'alice', 'better mAP');
      expect(await promotions.rollbackTargetOf(lineId)).toBe(a.id);
      const same = await promotions.promote(lineId, b.id, 'bob', 'clicked twice');
      expect(same.changed).toBe(false);
      await promotions.promote(lineId, c.id, 'alice', 'fine-tuned on reviews');

      const production = await registry.productionModelFor(lineId);
      expect(production?.modelVersion).toEqual(c);

      const back1 = await promotions.rollback(lineId, 'bob', 'false positives up');
      expect(back1.promotion).toMatchObject({ kind: 'rollback', fromVersionId: c.id, toVersionId: b.id, promotedBy: 'bob' });
      expect((await registry.productionModelFor(lineId))?.modelVersion.id).toBe(b.id);
      const back2 = await promotions.rollback(lineId, 'bob', 'still bad');
      expect(back2.promotion).toMatchObject({ fromVersionId: b.id, toVersionId: a.id });
      await expect(promotions.rollback(lineId, 'bob', 'again')).rejects.toBeInstanceOf(NoPreviousModelVersionError);

      // Promoting after a rollback stacks on the restored version: rolling back returns to it.
      await promotions.promote(lineId, c.id, 'alice', 'retry c');
      const back3 = await promotions.rollback(lineId, 'bob', 'c again bad');
      expect(back3.promotion).toMatchObject({ fromVersionId: c.id, toVersionId: a.id });

      const history = await registry.promotionHistory(lineId);
      expect(history.map((p) => [p.kind, p.fromVersionId, p.toVersionId])).toEqual([
        ['rollback', c.id, a.id],
        ['promotion', a.id, c.id],
        ['rollback', b.id, a.id],
        ['rollback', c.id, b.id],
        ['promotion', b.id, c.id],
        ['promotion', a.id, b.id],
        ['promotion', null, a.id],
      ]);
      expect(history[0]?.id).toBe((await registry.productionModelFor(lineId))?.promotionId);

      const trail = await audit.listFor('production_line', lineId);
      expect(trail.map((e) => [e.action, e.actor, e.before?.['modelVersionId'], e.after?.['modelVersionId']])).toEqual(
        history.map((p) => [p.kind === 'promotion' ? 'model.promoted' : 'model.rolled-back', p.promotedBy, p.fromVersionId, p.toVersionId]),
      );
    });

    it('writes nothing when any step of a promotion fails', async () => {
      const { lineId } = await newLine();
      const a = (await registry.register(newModelVersionInput())).version;
      await promotions.promote(lineId, a.id, 'alice', 'first');
      const auditBefore = await audit.listFor('production_line', lineId);
      // An empty reason breaks a CHECK on model_promotion after the line lock and pointer reads.
      await expect(promotions.promote(lineId, (await registry.register(newModelVersionInput())).version.id, 'alice', '')).rejects.toThrow(
        /chk_model_promotion_reason/,
      );
      expect((await registry.productionModelFor(lineId))?.modelVersion.id).toBe(a.id);
      expect(await registry.promotionHistory(lineId)).toHaveLength(1);
      expect(await audit.listFor('production_line', lineId)).toEqual(auditBefore);
      await expect(promotions.promote(lineId, randomUUID(), 'alice', 'ghost')).rejects.toBeInstanceOf(ModelVersionNotFoundError);
      await expect(promotions.promote('no-such-line', a.id, 'alice', 'x')).rejects.toBeInstanceOf(LineNotFoundError);
    });

    it('refuses a version that cannot serve the line: a template model without a template, or no class the rules name', async () => {
      const { lineId } = await newLine();
      const templateModel = (await registry.register(newModelVersionInput({ usesTemplate: true }))).version;
      const refused = promotions.promote(lineId, templateModel.id, 'alice', 'no template yet');
      await expect(refused).rejects.toBeInstanceOf(ModelIncompatibleWithLineError);
      // Named as people know it, not by its id.
      await expect(refused).rejects.toThrow(
        `${templateModel.name}@${templateModel.version} cannot serve line ${lineId}: it compares each frame with a golden template and the line has none`,
      );
      await lines.setTemplate(lineId, { objectKey: `${lineId}/template.png`, width: 640, height: 480 });
      await expect(promotions.promote(lineId, templateModel.id, 'alice', 'template now there')).resolves.toMatchObject({ changed: true });

      await lines.setAlertRules(lineId, [
        { className: 'open', minScore: 0.5, minBoxAreaPx2: 4, severity: 'high' },
        { className: '*', minScore: 0.9, minBoxAreaPx2: 4, severity: 'low' },
      ]);
      const otherFeed = (await registry.register(newModelVersionInput({ classes: ['dent', 'stain'] }))).version;
      await expect(promotions.promote(lineId, otherFeed.id, 'alice', 'wrong feed')).rejects.toThrow(
        /detects dent, stain and the line's alert rules name open: none would ever alert/,
      );
      expect((await registry.productionModelFor(lineId))?.modelVersion.id).toBe(templateModel.id);
      const oneShared = (await registry.register(newModelVersionInput({ classes: ['open', 'dent'] }))).version;
      await expect(promotions.promote(lineId, oneShared.id, 'alice', 'shares a class')).resolves.toMatchObject({ changed: true });
    });

    it('serialises concurrent promotions of one line', async () => {
      const { lineId } = await newLine();
      const versions = await Promise.all(Array.from({ length: 4 }, () => registry.register(newModelVersionInput())));
      await Promise.all(versions.map((v, i) => promotions.promote(lineId, v.version.id, `user-${i}`, 'race')));
      const history = await registry.promotionHistory(lineId);
      expect(history).toHaveLength(4);
      // Each entry starts where the one before it ended: no lost update.
      const chronological = [...history].reverse();
      chronological.forEach((entry, i) => {
        expect(entry.fromVersionId).toBe(i === 0 ? null : chronological[i - 1]?.toVersionId);
      });
      expect((await registry.productionModelFor(lineId))?.modelVersion.id).toBe(history[0]?.toVersionId);
    });
  });
});
