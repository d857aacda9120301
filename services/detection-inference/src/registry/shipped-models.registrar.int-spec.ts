import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { Topics } from '@argus/contracts';
import { ConsoleJsonLogger, KafkaMessageBusAdapter, kafkaConfigFromEnv } from '@argus/messaging';
import {
  createThrowawayDatabase,
  databaseConfigFromEnv,
  LineRepository,
  ModelRegistryRepository,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { ModelPromotionService } from '@argus/registry';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { folderPackageFiles, loadModelPackage } from '@argus/vision';
import { artifactKeyOf } from '@argus/registry';
import { ShippedModelsRegistrar } from './shipped-models.registrar';

const FACTORY = path.resolve(__dirname, '../../../../models/factory');

/** The shipped factory package registered on Postgres, S3Proxy and Kafka, as at start-up. */
describe('ShippedModelsRegistrar on real infrastructure', () => {
  const runId = randomBytes(3).toString('hex');
  let db: ThrowawayDatabase;
  let bus: KafkaMessageBusAdapter;
  let registrar: ShippedModelsRegistrar;
  let registry: ModelRegistryRepository;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'registrar-it'));
    await runMigrations(db.dataSource);
    const logger = new ConsoleJsonLogger({ name: 'registrar-it' }, () => undefined);
    bus = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId: `registrar-it-${runId}` }), logger });
    await bus.ensureTopics([Topics.modelRegistered, Topics.modelPromoted]);
    const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
    await store.ensureBucket();
    registry = new ModelRegistryRepository(db.dataSource);
    registrar = new ShippedModelsRegistrar({
      store,
      registry,
      lines: new LineRepository(db.dataSource),
      promotions: new ModelPromotionService(registry, bus),
      bus,
      logger,
    });
  }, 60_000);
  afterAll(async () => {
    await bus?.stop();
    await db?.drop();
  });

  it('stores the compact evaluation and the training-data lineage; fills them into a version registered before they were recorded', async () => {
    const { metadata } = await loadModelPackage(folderPackageFiles(FACTORY));
    // As a version registered by an earlier release: same identity, no evaluation or lineage.
    await registry.register({
      name: metadata.name,
      version: metadata.version,
      artifactKey: artifactKeyOf(metadata.name, metadata.version),
      classes: metadata.classes,
      usesTemplate: metadata.template.required,
      backend: 'onnx',
    });
    const { version, created } = await registrar.registerPackage(folderPackageFiles(FACTORY));
    expect(created).toBe(false);
    const [details] = await registry.findVersionDetails([version.id]);
    expect(details?.trainingData).toEqual({
      source: 'synthetic:factory',
      fingerprint: metadata.training?.data.fingerprint,
      split: expect.any(String),
      trainedOn: metadata.training?.backend,
    });
    expect(details?.evaluation).toMatchObject({ data: 'synthetic:factory', split: 'validation', imageCount: 120 });
    expect(details?.evaluation?.perClass.map((c) => c.className)).toEqual(metadata.classes);
    for (const c of details?.evaluation?.perClass ?? []) {
      expect(c.curve50?.recall.length).toBeLessThanOrEqual(101);
      expect(c.curve50?.recall.length).toBe(c.curve50?.precision.length);
    }
  }, 60_000);
});
