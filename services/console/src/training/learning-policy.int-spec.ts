import { AuditLogRepository, LineLearningPolicyRepository } from '@argus/persistence';
import { ConsoleApiHarness } from '../testing/console-api.harness';

describe("console: a line's learning policy on Postgres", () => {
  jest.setTimeout(120_000);
  const h = new ConsoleApiHarness();
  let lineId: string;
  const path = () => `/api/v1/lines/${lineId}/learning-policy`;

  beforeAll(async () => {
    await h.start();
    await h.signInEveryone();
    lineId = await h.line('policy', ['cam-a']);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('answers every default for a line that never set one; operators may read it', async () => {
    for (const who of ['operator', 'ml-engineer', 'admin']) {
      const read = await h.request(who, 'GET', path());
      expect(read.status).toBe(200);
      expect(read.body).toEqual({
        lineId,
        triggers: {
          newLabels: { enabled: null, minFrames: null },
          unknownClass: { enabled: null },
          rejectRate: { enabled: null, window: null, maxRate: null },
          scoreShift: { enabled: null, maxDistance: null, minFrames: null },
          schedule: { enabled: null, everyHours: null },
        },
        autoPromotion: { enabled: false, minFrames: null, minAgreement: null },
        updatedBy: null,
        updatedAt: null,
      });
    }
    expect((await h.request('ml-engineer', 'GET', '/api/v1/lines/no-such-line/learning-policy')).status).toBe(404);
  });

  it('an ML engineer replaces it (settings left out follow the defaults); stored for continual-fine-tune and audited', async () => {
    const written = await h.request('ml-engineer', 'PUT', path(), {
      triggers: { newLabels: { minFrames: 12 }, scoreShift: { enabled: false } },
      autoPromotion: { enabled: true, minFrames: 200, minAgreement: 0.95 },
    });
    expect(written.status).toBe(200);
    expect(written.body).toMatchObject({
      lineId,
      triggers: { newLabels: { enabled: null, minFrames: 12 }, scoreShift: { enabled: false, maxDistance: null, minFrames: null } },
      autoPromotion: { enabled: true, minFrames: 200, minAgreement: 0.95 },
      updatedBy: expect.stringContaining('mlengineer'),
    });
    expect((await h.request('operator', 'GET', path())).body).toEqual(written.body);
    expect(await new LineLearningPolicyRepository(h.database.dataSource).findForLine(lineId)).toMatchObject({
      minNewLabels: 12,
      scoreShiftEnabled: false,
      autoPromoteEnabled: true,
      autoPromoteMinFrames: 200,
      autoPromoteMinAgreement: 0.95,
    });

    const again = await h.request('admin', 'PUT', path(), { autoPromotion: { enabled: false } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ triggers: { newLabels: { minFrames: null } }, autoPromotion: { enabled: false, minFrames: null } });

    const entries = (
      await new AuditLogRepository(h.database.dataSource).list({ action: 'line.learning-policy.changed', subjectId: lineId })
    ).items;
    expect(entries).toHaveLength(2);
    const [latest, first] = entries;
    expect(first).toMatchObject({
      subjectType: 'production_line',
      before: null,
      after: { autoPromotion: { enabled: true, minFrames: 200 } },
    });
    expect(latest).toMatchObject({
      actor: expect.stringContaining('admin'),
      before: { autoPromotion: { enabled: true }, triggers: { newLabels: { minFrames: 12 } } },
      after: { autoPromotion: { enabled: false } },
    });
  });

  it('refuses an operator (audited as access denied) and a bad body (400 naming every issue), writing nothing', async () => {
    const before = (await h.request('admin', 'GET', path())).body;
    const refused = await h.request('operator', 'PUT', path(), { autoPromotion: { enabled: true } });
    expect(refused.status).toBe(403);
    const denied = (await new AuditLogRepository(h.database.dataSource).list({ action: 'access.denied' })).items;
    expect(denied.some((e) => e.subjectId === `PUT ${path()}`)).toBe(true);

    const bad = await h.request('ml-engineer', 'PUT', path(), {
      triggers: { rejectRate: { maxRate: 1.5 }, newLabels: { minFrames: 0 }, sometimes: {} },
      autoPromotion: { enabled: 'yes', minAgreement: -1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-request');
    const paths = (bad.body.error.details.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(
      expect.arrayContaining([
        'autoPromotion.enabled',
        'autoPromotion.minAgreement',
        'triggers',
        'triggers.newLabels.minFrames',
        'triggers.rejectRate.maxRate',
      ]),
    );
    expect((await h.request('admin', 'GET', path())).body).toEqual(before);
  });
});
