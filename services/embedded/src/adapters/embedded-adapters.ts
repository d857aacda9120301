import * as path from 'node:path';
import {
  FileDeadLetterJournal,
  InMemoryBroker,
  InMemoryMessageBusAdapter,
  KafkaMessageBusAdapter,
  type MessageBus,
  type MessagingLogger,
  type PipelineHealthReader,
} from '@argus/messaging';
import { createDataSource, type Database, type DatabaseConfig, EmbeddedPostgresServer, runMigrations } from '@argus/persistence';
import {
  DEFAULT_S3_BUCKET,
  FilesystemObjectStore,
  type FilesystemObjectStoreConfig,
  MinioObjectStore,
  type ObjectStore,
  type S3ObjectStoreConfig,
} from '@argus/storage';
import type { EmbeddedConfig } from '../embedded.config';
import { SERVICE_NAME } from '../service.identity';
import { embeddedPostgresPorts, rememberEmbeddedPostgresPort } from './embedded-postgres.ports';

/** Which adapter a dependency uses, as printed at start. */
export interface AdapterChoice {
  readonly dependency: 'bus' | 'objects' | 'postgres';
  readonly embedded: boolean;
  readonly description: string;
}

/** How `store` was opened: what another thread needs to open its own on the same bucket (the trainer thread). */
export type EmbeddedStoreConfig =
  | { readonly kind: 's3'; readonly config: S3ObjectStoreConfig }
  | { readonly kind: 'filesystem'; readonly config: FilesystemObjectStoreConfig };

/**
 * The three dependencies of the pipeline, each real when its address is configured and embedded
 * otherwise: Kafka or the in-memory bus, S3 or a folder, Postgres or PGlite served on a local port.
 * Opened before the services start (the database migrated), shared by every service of the process,
 * closed by `close*()` in the shutdown order the caller registers.
 */
export class EmbeddedAdapters {
  private constructor(
    readonly bus: MessageBus & PipelineHealthReader,
    readonly store: ObjectStore,
    readonly storeConfig: EmbeddedStoreConfig,
    readonly dataSource: Database,
    readonly choices: readonly AdapterChoice[],
    /** How to reach the database from outside (psql, tests); no password is shown for a real one. */
    readonly databaseDisplayUrl: string,
    private readonly embeddedPostgres: EmbeddedPostgresServer | undefined,
  ) {}

  static async open(config: EmbeddedConfig, logger: MessagingLogger): Promise<EmbeddedAdapters> {
    const choices: AdapterChoice[] = [];
    const bus: MessageBus & PipelineHealthReader = config.kafka
      ? new KafkaMessageBusAdapter({ config: config.kafka, logger })
      : new InMemoryMessageBusAdapter({
          broker: new InMemoryBroker({ logger }),
          logger,
          // Dead letters outlive a restart, as they would in Kafka: the failed frames stay failed.
          deadLetterJournal: new FileDeadLetterJournal(path.join(config.dataDir, 'bus', 'dead-letters.jsonl')),
        });
    choices.push(
      config.kafka
        ? { dependency: 'bus', embedded: false, description: `Kafka at ${config.kafka.brokers.join(',')} (ARGUS_KAFKA_BROKERS)` }
        : {
            dependency: 'bus',
            embedded: true,
            description: `in-memory (this process; dead letters kept in ${path.join(config.dataDir, 'bus')}; set ARGUS_KAFKA_BROKERS for Kafka)`,
          },
    );

    const objectsRoot = path.join(config.dataDir, 'objects');
    const storeConfig: EmbeddedStoreConfig = config.s3
      ? { kind: 's3', config: config.s3 }
      : { kind: 'filesystem', config: { root: objectsRoot, bucket: DEFAULT_S3_BUCKET } };
    const store: ObjectStore =
      storeConfig.kind === 's3' ? new MinioObjectStore(storeConfig.config) : new FilesystemObjectStore(storeConfig.config);
    choices.push(
      config.s3
        ? {
            dependency: 'objects',
            embedded: false,
            description: `S3 at ${config.s3.useSSL ? 'https' : 'http'}://${config.s3.endPoint}:${config.s3.port}, bucket ${config.s3.bucket} (ARGUS_S3_ENDPOINT)`,
          }
        : {
            dependency: 'objects',
            embedded: true,
            description: `filesystem ${path.join(objectsRoot, DEFAULT_S3_BUCKET)} (set ARGUS_S3_ENDPOINT for S3)`,
          },
    );

    let embeddedPostgres: EmbeddedPostgresServer | undefined;
    let databaseConfig: DatabaseConfig;
    let databaseDisplayUrl: string;
    if (config.database) {
      databaseConfig = config.database;
      databaseDisplayUrl = `postgres://${config.database.username}@${config.database.host}:${config.database.port}/${config.database.database}`;
      choices.push({ dependency: 'postgres', embedded: false, description: `${databaseDisplayUrl} (ARGUS_DATABASE_URL)` });
    } else {
      const dataDir = path.join(config.dataDir, 'postgres');
      embeddedPostgres = await EmbeddedPostgresServer.start({
        dataDir,
        port: await embeddedPostgresPorts(config.ARGUS_EMBEDDED_PG_PORT, config.dataDir),
      });
      await rememberEmbeddedPostgresPort(config.dataDir, embeddedPostgres.port);
      databaseConfig = embeddedPostgres.databaseConfig(SERVICE_NAME);
      databaseDisplayUrl = embeddedPostgres.url;
      choices.push({
        dependency: 'postgres',
        embedded: true,
        description: `embedded PGlite at ${databaseDisplayUrl}, data in ${dataDir} (set ARGUS_DATABASE_URL for Postgres)`,
      });
    }

    const dataSource = createDataSource(databaseConfig);
    try {
      await store.ensureBucket();
      await dataSource.initialize();
      await runMigrations(dataSource);
    } catch (error) {
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
      await embeddedPostgres?.stop().catch(() => undefined);
      throw error;
    }
    return new EmbeddedAdapters(bus, store, storeConfig, dataSource, choices, databaseDisplayUrl, embeddedPostgres);
  }

  /** Stops the bus's subscriptions and flushes its producer. */
  closeBus(): Promise<void> {
    return this.bus.stop();
  }

  /** Closes the pool, then the embedded Postgres (which flushes its files). */
  async closeDatabase(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embeddedPostgres?.stop();
  }
}
