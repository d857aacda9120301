import { databaseConfigFromEnv } from './database.config';
import { runMigrations } from './migrations.runner';
import { ModelRegistryRepository } from './model-registry.repository';
import { SearchCandidateLineageRepository } from './search-candidate-lineage.repository';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';

const SEARCH = '00000000-0000-4000-8000-0000000000b1';

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('search candidate lineage against Postgres', () => {
  let db: ThrowawayDatabase;
  let registry: ModelRegistryRepository;
  let lineage: SearchCandidateLineageRepository;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    registry = new ModelRegistryRepository(db.dataSource);
    lineage = new SearchCandidateLineageRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const registerVersion = async (version: string) =>
    (
      await registry.register({
        name: 'search-pcb',
        version,
        artifactKey: `models/search-pcb/${version}`,
        classes: ['open'],
        backend: 'onnx',
      })
    ).version.id;

  it('records a version once (a redelivered request changes nothing) and lists a search’s candidates in order', async () => {
    const first = await registerVersion('1');
    const entry = {
      modelVersionId: first,
      requestId: '00000000-0000-4000-8000-0000000000a1',
      searchId: SEARCH,
      trialId: 'trial-7',
      controller: 'evolution' as const,
      lineId: 'pcb-1',
      requestedBy: 'ml',
    };
    const stored = await lineage.record(entry);
    expect(stored).toMatchObject(entry);
    expect(stored.createdAt).toBeInstanceOf(Date);
    expect(await lineage.record(entry)).toEqual(stored);
    expect(await lineage.ofRequest(entry.requestId)).toEqual(stored);
    expect(await lineage.ofRequest('00000000-0000-4000-8000-0000000000ee')).toBeNull();

    const second = await registerVersion('2');
    await lineage.record({ ...entry, modelVersionId: second, requestId: '00000000-0000-4000-8000-0000000000a2', controller: 'ppo' });
    expect((await lineage.forSearch(SEARCH)).map((l) => [l.modelVersionId, l.controller])).toEqual([
      [first, 'evolution'],
      [second, 'ppo'],
    ]);
    expect(await lineage.forSearch('00000000-0000-4000-8000-0000000000b2')).toEqual([]);
    expect(await lineage.ofVersion(second)).toMatchObject({ trialId: 'trial-7', controller: 'ppo' });
  });

  it('refuses lineage of a version that is not registered, and an unknown controller', async () => {
    const base = { requestId: '00000000-0000-4000-8000-0000000000a9', searchId: SEARCH, trialId: 't', lineId: 'pcb-1', requestedBy: 'ml' };
    await expect(
      lineage.record({ ...base, modelVersionId: '00000000-0000-4000-8000-0000000000ff', controller: 'random' }),
    ).rejects.toThrow();
    const version = await registerVersion('3');
    await expect(lineage.record({ ...base, modelVersionId: version, controller: 'grid' as 'random' })).rejects.toThrow();
  });
});
