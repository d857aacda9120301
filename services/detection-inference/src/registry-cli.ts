// The model registry from a terminal (until the console has its pages):
//   node -r @swc-node/register services/detection-inference/src/registry-cli.ts promote --line L --version ID --by WHO --reason TEXT
// (or `npm run registry -w @argus/detection-inference -- <command> …`). Reads the services' variables:
// ARGUS_DATABASE_URL, ARGUS_KAFKA_BROKERS, and for `register` the ARGUS_S3_* ones and ARGUS_MODELS_DIR.
import { ConsoleJsonLogger, KafkaMessageBusAdapter, kafkaConfigFromEnv } from '@argus/messaging';
import { createDataSource, databaseConfigFromEnv, LineRepository, ModelRegistryRepository } from '@argus/persistence';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { loadDetectionInferenceConfig } from './config';
import { DEFAULT_PIPELINE_TOPICS } from './inference.pipeline';
import { ModelPromotionService } from '@argus/registry';
import { runRegistryCli } from './registry/registry-cli.runner';
import { ShippedModelsRegistrar } from './registry/shipped-models.registrar';

async function main(argv: readonly string[]): Promise<number> {
  const dataSource = createDataSource(databaseConfigFromEnv(process.env, 'registry-cli'));
  const logger = new ConsoleJsonLogger({ name: 'registry-cli' }, () => undefined);
  const bus = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId: 'registry-cli' }), logger });
  await dataSource.initialize();
  try {
    if (argv[0] === 'promote' || argv[0] === 'rollback') await bus.ensureTopics([DEFAULT_PIPELINE_TOPICS.modelPromoted]);
    const registry = new ModelRegistryRepository(dataSource);
    const promotions = new ModelPromotionService(registry, bus, DEFAULT_PIPELINE_TOPICS.modelPromoted);
    return await runRegistryCli(argv, {
      registry,
      promotions,
      registerShipped: async (modelsDir) => {
        const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
        await store.ensureBucket();
        await bus.ensureTopics([DEFAULT_PIPELINE_TOPICS.modelRegistered, DEFAULT_PIPELINE_TOPICS.modelPromoted]);
        const registrar = new ShippedModelsRegistrar({ store, registry, lines: new LineRepository(dataSource), promotions, bus, logger });
        return registrar.registerFolder(modelsDir ?? loadDetectionInferenceConfig().ARGUS_MODELS_DIR);
      },
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    await bus.stop().catch(() => undefined);
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`registry-cli: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
