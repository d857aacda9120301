import { type DynamicModule, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, type Logger, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import { IngestFrameUseCase } from '../ingest/ingest-frame.use-case';
import { type IngestSourceConfig, loadIngestSources } from './ingest-sources.config';
import { IngestSourcesRunner } from './ingest-sources.runner';

const SOURCES_RUNNER = Symbol('INGEST_SOURCES_RUNNER');

export interface SourcesModuleOptions {
  /** `ARGUS_INGEST_SOURCES`: the JSON file of sources; none configured when undefined. */
  readonly sourcesFile: string | undefined;
  /** Sources given directly (the embedded mode's simulated cameras); used instead of `sourcesFile` when set. */
  readonly sources?: readonly IngestSourceConfig[];
  /** Modules exporting IngestFrameUseCase and OBJECT_STORE. */
  readonly imports: DynamicModule[];
}

/**
 * Watched folders, simulated cameras and replays from `ARGUS_INGEST_SOURCES`. The file is read and
 * validated while the module is built (a bad file stops the start with a message naming each
 * problem); the sources start once the application is up and stop first on SIGTERM
 * (`ShutdownOrder.stopConsuming`), each after its frame in flight.
 */
@Module({})
export class SourcesModule implements OnApplicationBootstrap {
  constructor(@Inject(SOURCES_RUNNER) private readonly runner: IngestSourcesRunner) {}

  static register(options: SourcesModuleOptions): DynamicModule {
    return {
      module: SourcesModule,
      imports: options.imports,
      providers: [
        {
          provide: SOURCES_RUNNER,
          inject: [IngestFrameUseCase, OBJECT_STORE, LOGGER, ShutdownRegistry],
          useFactory: async (ingest: IngestFrameUseCase, store: ObjectStore, logger: Logger, registry: ShutdownRegistry) => {
            const configs = options.sources ?? (options.sourcesFile ? await loadIngestSources(options.sourcesFile) : []);
            const runner = new IngestSourcesRunner(configs, ingest, store, logger.child({ component: 'ingest-sources' }));
            registry.register({ name: 'ingest-sources', order: ShutdownOrder.stopConsuming, close: () => runner.stop() });
            return runner;
          },
        },
      ],
      exports: [SOURCES_RUNNER],
    };
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }
}
