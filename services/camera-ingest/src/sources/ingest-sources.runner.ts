import type { ObjectStore } from '@argus/storage';
import type { FrameIngestor, IngestSource, SourceLogger } from './frame-source.port';
import type { IngestSourceConfig } from './ingest-sources.config';
import { DatasetReplaySource } from './dataset-replay.source';
import { SimulatedCameraSource } from './simulated-camera.source';
import { WatchedFolderSource } from './watched-folder.source';

/** Builds the configured sources, starts them together and stops them together. */
export class IngestSourcesRunner {
  readonly sources: readonly IngestSource[];

  constructor(configs: readonly IngestSourceConfig[], ingest: FrameIngestor, store: Pick<ObjectStore, 'put'>, logger: SourceLogger) {
    this.sources = configs.map((config): IngestSource => {
      switch (config.kind) {
        case 'folder':
          return new WatchedFolderSource(config, ingest, logger);
        case 'simulator':
          return new SimulatedCameraSource(config, ingest, store, logger);
        case 'replay':
          return new DatasetReplaySource(config, ingest, store, logger);
      }
    });
  }

  start(): void {
    for (const source of this.sources) source.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.sources.map((source) => source.stop()));
  }
}
