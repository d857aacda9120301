import type { DatasetVersionRepository } from '@argus/persistence';
import type { DatasetVersionStore, NewDatasetVersion, StoredDatasetVersion } from '../datasets/dataset.ports';

/** Data set versions in Postgres (`dataset_version`). */
export class PostgresDatasetVersionStore implements DatasetVersionStore {
  constructor(private readonly versions: Pick<DatasetVersionRepository, 'latest' | 'create'>) {}

  latest(lineId: string): Promise<StoredDatasetVersion | null> {
    return this.versions.latest(lineId);
  }

  async create(version: NewDatasetVersion): Promise<StoredDatasetVersion> {
    const created = await this.versions.create(version);
    // Another request made the line's next version at the same time; this one's job is not needed.
    if (created === null) throw new Error(`data set version ${version.lineId}@${version.number} exists`);
    return created;
  }
}
