import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { createThrowawayDatabase, databaseConfigFromEnv, LineRepository, runMigrations, type ThrowawayDatabase } from '@argus/persistence';
import { DEMO_LINES, seedDemo } from './demo-seed';
import { renderDemoTemplates } from './demo-templates.renderer';

jest.setTimeout(60_000);

let db: ThrowawayDatabase;
const store = new MinioObjectStore(s3ConfigFromEnv(process.env));

beforeAll(async () => {
  db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'persistence-seed-it'));
  await runMigrations(db.dataSource);
  await store.ensureBucket();
});

afterAll(() => db.drop());

describe('demo seed on Postgres and S3Proxy', () => {
  it('seeds factory-1 and pcb-1 with cameras, rules and stored templates, idempotently', async () => {
    const templates = await renderDemoTemplates();
    const first = await seedDemo(db.dataSource, { store, templates });
    const lines = new LineRepository(db.dataSource);
    await lines.setAlertRules('pcb-1', []); // an edit the next seed restores
    const second = await seedDemo(db.dataSource, { store, templates });
    expect(second).toEqual(first);

    expect((await lines.listLines()).map((l) => l.id)).toEqual(['factory-1', 'pcb-1']);
    const factory = await lines.findLineWithCameras('factory-1');
    expect(factory?.cameras.map((c) => c.id)).toEqual(['cam-1', 'cam-2']);
    expect(factory?.line.settings).toMatchObject({ dedupWindowSeconds: 10 });
    expect(factory?.alertRules).toHaveLength(4);
    expect(factory?.template).toMatchObject({ objectKey: 'factory-1/templates/golden.png', width: 256, height: 256 });
    expect((await lines.alertRulesFor('pcb-1')).map((r) => r.className).sort()).toEqual(
      [...(DEMO_LINES[1]?.alertRules.map((r) => r.className) ?? [])].sort(),
    );
    expect((await store.get('pcb-1/templates/golden.png')).equals(templates['pcb-1']?.bytes ?? Buffer.alloc(0))).toBe(true);

    // What camera-ingest reads per frame.
    expect(await lines.findIngestTarget('pcb-1', 'aoi-1')).toEqual({
      lineId: 'pcb-1',
      camera: { lineId: 'pcb-1', id: 'aoi-1' },
      template: { objectKey: 'pcb-1/templates/golden.png', width: 256, height: 256 },
    });
    expect(await lines.findIngestTarget('pcb-1', 'cam-9')).toMatchObject({ camera: null });
    expect(await lines.findIngestTarget('nope', 'aoi-1')).toBeNull();
  });
});
