import type { Database } from './database';
import { managerOf } from './database-handle.helper';

/** A candidate's search lineage: which search, trial and controller its architecture came from. */
export interface SearchCandidateLineage {
  readonly modelVersionId: string;
  /** The full-training request that registered it (one candidate per request). */
  readonly requestId: string;
  readonly searchId: string;
  readonly trialId: string;
  readonly controller: 'ppo' | 'evolution' | 'random';
  readonly lineId: string;
  readonly requestedBy: string;
  readonly createdAt: Date;
}

export type NewSearchCandidateLineage = Omit<SearchCandidateLineage, 'createdAt'>;

interface LineageRow {
  model_version_id: string;
  request_id: string;
  search_id: string;
  trial_id: string;
  controller: SearchCandidateLineage['controller'];
  line_id: string;
  requested_by: string;
  created_at: Date;
}

/**
 * The search lineage of registered candidates (table model_version_search_lineage), beside the
 * model registry: architecture-search's full training writes it after registering a version; the
 * console reads it to show a search's trained candidates and a version's origin.
 */
export class SearchCandidateLineageRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records a version's lineage. Idempotent: a redelivered request recording the same lineage again
   * changes nothing; the stored row is returned either way.
   */
  async record(lineage: NewSearchCandidateLineage): Promise<SearchCandidateLineage> {
    const manager = managerOf(this.db);
    await manager.query(
      `INSERT INTO model_version_search_lineage
         (model_version_id, request_id, search_id, trial_id, controller, line_id, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING`,
      [
        lineage.modelVersionId,
        lineage.requestId,
        lineage.searchId,
        lineage.trialId,
        lineage.controller,
        lineage.lineId,
        lineage.requestedBy,
      ],
    );
    const stored = await this.ofVersion(lineage.modelVersionId);
    if (!stored) throw new Error(`the search lineage of model version ${lineage.modelVersionId} was not stored`);
    return stored;
  }

  async ofVersion(modelVersionId: string): Promise<SearchCandidateLineage | null> {
    const rows = (await managerOf(this.db).query(`SELECT * FROM model_version_search_lineage WHERE model_version_id = $1`, [
      modelVersionId,
    ])) as LineageRow[];
    return rows[0] ? lineageOf(rows[0]) : null;
  }

  /** What a full-training request registered, if it did. */
  async ofRequest(requestId: string): Promise<SearchCandidateLineage | null> {
    const rows = (await managerOf(this.db).query(`SELECT * FROM model_version_search_lineage WHERE request_id = $1`, [
      requestId,
    ])) as LineageRow[];
    return rows[0] ? lineageOf(rows[0]) : null;
  }

  /** The candidates a search's trials became, oldest first. */
  async forSearch(searchId: string): Promise<SearchCandidateLineage[]> {
    const rows = (await managerOf(this.db).query(
      `SELECT * FROM model_version_search_lineage WHERE search_id = $1 ORDER BY created_at, model_version_id`,
      [searchId],
    )) as LineageRow[];
    return rows.map(lineageOf);
  }
}

function lineageOf(row: LineageRow): SearchCandidateLineage {
  return {
    modelVersionId: row.model_version_id,
    requestId: row.request_id,
    searchId: row.search_id,
    trialId: row.trial_id,
    controller: row.controller,
    lineId: row.line_id,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
  };
}
