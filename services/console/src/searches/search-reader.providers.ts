import type { Provider } from '@nestjs/common';
import { ArchitectureSearchRepository, DATABASE, type Database } from '@argus/persistence';
import type { SearchReader, SearchRecord, TrialRecord } from './search-read.port';

export const SEARCH_READER = Symbol('SEARCH_READER');

/** The searches pages' reads on the tables architecture-search keeps (its repository). */
export class PostgresSearchReader implements SearchReader {
  constructor(private readonly searches: Pick<ArchitectureSearchRepository, 'list' | 'find' | 'trials'>) {}

  list(limit: number): Promise<SearchRecord[]> {
    return this.searches.list({ limit });
  }

  find(searchId: string): Promise<SearchRecord | null> {
    return this.searches.find(searchId);
  }

  trials(searchId: string): Promise<TrialRecord[]> {
    return this.searches.trials(searchId);
  }
}

export const SEARCH_READER_PROVIDERS: Provider[] = [
  {
    provide: SEARCH_READER,
    inject: [DATABASE],
    useFactory: (db: Database) => new PostgresSearchReader(new ArchitectureSearchRepository(db)),
  },
];
