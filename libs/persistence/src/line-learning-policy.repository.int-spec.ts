import { AuditLogRepository } from './audit-log.repository';
import { databaseConfigFromEnv } from './database.config';
import { LineLearningPolicyRepository, NO_LINE_LEARNING_SETTINGS } from './line-learning-policy.repository';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { LineNotFoundError } from './persistence.errors';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('line learning policies against Postgres', () => {
  let db: ThrowawayDatabase;
  let policies: LineLearningPolicyRepository;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    const lines = new LineRepository(db.dataSource);
    for (const id of ['line-1', 'line-2']) await lines.upsertLine({ id, name: id });
    policies = new LineLearningPolicyRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('has no policy for a line until one is written; a write answers what it replaced', async () => {
    expect(await policies.findForLine('line-1')).toBeNull();
    const first = await policies.replace({
      lineId: 'line-1',
      updatedBy: 'ml',
      ...NO_LINE_LEARNING_SETTINGS,
      minNewLabels: 12,
      rejectRateMax: 0.25,
    });
    expect(first.before).toBeNull();
    expect(first.after).toMatchObject({
      lineId: 'line-1',
      updatedBy: 'ml',
      minNewLabels: 12,
      rejectRateMax: 0.25,
      autoPromoteEnabled: false,
    });
    expect(first.after.updatedAt).toBeInstanceOf(Date);

    const second = await policies.replace({
      lineId: 'line-1',
      updatedBy: 'admin',
      ...NO_LINE_LEARNING_SETTINGS,
      newLabelsEnabled: false,
      autoPromoteEnabled: true,
      autoPromoteMinFrames: 300,
      autoPromoteMinAgreement: 0.9,
    });
    expect(second.before).toMatchObject({ minNewLabels: 12, updatedBy: 'ml' });
    // A write replaces the whole policy: a setting left out goes back to the service default.
    expect(second.after).toMatchObject({
      minNewLabels: null,
      newLabelsEnabled: false,
      autoPromoteMinFrames: 300,
      autoPromoteMinAgreement: 0.9,
    });
    expect(await policies.findForLine('line-1')).toEqual(second.after);
  });

  it('lists only the lines with auto-promotion on', async () => {
    await policies.replace({ lineId: 'line-2', updatedBy: 'ml', ...NO_LINE_LEARNING_SETTINGS });
    expect((await policies.withAutoPromotion()).map((p) => p.lineId)).toEqual(['line-1']);
  });

  it("refuses an unknown line and values out of range, and commits with the caller's transaction", async () => {
    await expect(policies.replace({ lineId: 'no-such-line', updatedBy: 'ml', ...NO_LINE_LEARNING_SETTINGS })).rejects.toBeInstanceOf(
      LineNotFoundError,
    );
    await expect(policies.replace({ lineId: 'line-2', updatedBy: 'ml', ...NO_LINE_LEARNING_SETTINGS, rejectRateMax: 1.5 })).rejects.toThrow(
      /chk_line_learning_policy_reject_rate_max/,
    );
    await expect(
      db.dataSource.transaction(async (tx) => {
        await new LineLearningPolicyRepository(tx).replace({ lineId: 'line-2', updatedBy: 'rolled-back', ...NO_LINE_LEARNING_SETTINGS });
        await new AuditLogRepository(tx).append({ actor: 'x', action: 'test', subjectType: 'production_line', subjectId: 'line-2' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await policies.findForLine('line-2'))?.updatedBy).toBe('ml');
  });
});
