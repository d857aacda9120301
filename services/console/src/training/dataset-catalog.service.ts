import type { Readable } from 'node:stream';
import type { DatasetVersionRepository, LineRepository } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { ObjectNotFoundError, type ObjectStore } from '@argus/storage';
import {
  type DatasetVersionDetailView,
  type DatasetVersionView,
  toDatasetVersionDetailView,
  toDatasetVersionView,
} from './training-job.presenter';

/** Which of a version's files to download: the Argus sample manifest or the COCO export. */
export type DatasetExport = 'manifest' | 'coco';

export interface DatasetDownload {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly body: Readable;
}

/**
 * A line's data set versions (what continual-fine-tune recorded in `dataset_version`) and their
 * exports, streamed from the object store where the versioner put them.
 */
export class DatasetCatalogService {
  constructor(
    private readonly lines: Pick<LineRepository, 'findLine'>,
    private readonly versions: Pick<DatasetVersionRepository, 'listForLine' | 'find'>,
    private readonly store: Pick<ObjectStore, 'stat' | 'getStream'>,
  ) {}

  /** The line's versions, newest first. */
  async list(lineId: string, limit: number): Promise<DatasetVersionView[]> {
    if (!(await this.lines.findLine(lineId))) throw new DomainError(CommonErrorCodes.notFound, `line "${lineId}" does not exist`);
    return (await this.versions.listForLine(lineId, { limit })).map(toDatasetVersionView);
  }

  async detail(id: string): Promise<DatasetVersionDetailView> {
    return toDatasetVersionDetailView(await this.require(id));
  }

  async download(id: string, which: DatasetExport): Promise<DatasetDownload> {
    const version = await this.require(id);
    const key = which === 'manifest' ? version.manifestKey : version.cocoKey;
    const fileName = `${version.lineId}-v${version.number}-${which === 'manifest' ? 'manifest.jsonl' : 'coco.json'}`;
    try {
      const stat = await this.store.stat(key);
      return {
        fileName,
        contentType: which === 'manifest' ? 'application/x-ndjson' : 'application/json',
        size: stat.size,
        body: await this.store.getStream(key),
      };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) {
        throw new DomainError(CommonErrorCodes.notFound, `data set version ${id} has no ${which} in the object store (${key})`, undefined, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private async require(id: string) {
    const version = await this.versions.find(id);
    if (!version) throw new DomainError(CommonErrorCodes.notFound, `data set version ${id} does not exist`);
    return version;
  }
}
