import { AuditLogEntity } from './entities/audit-log.entity';
import { managerOf } from './database-handle.helper';
import type { Database } from './database';
import { clampLimit } from './page-limit.helper';

export type AuditSnapshot = Readonly<Record<string, unknown>>;

export interface AuditEntry {
  /** A bigint sequence: a string, so it never loses precision. Increases with time of append. */
  readonly id: string;
  readonly actor: string;
  /** Dotted verb, e.g. `model.promoted`, `line.alert-rules.changed`. */
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly before: AuditSnapshot | null;
  readonly after: AuditSnapshot | null;
  readonly at: Date;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'before' | 'after'> & {
  readonly before?: AuditSnapshot | null;
  readonly after?: AuditSnapshot | null;
};

/** Filters of the audit listing; each one given must match exactly. */
export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly subjectType?: string;
  readonly subjectId?: string;
}

export interface AuditPage {
  /** Newest first. */
  readonly items: AuditEntry[];
  /** Pass as `beforeId` for the next page; null when this was the last. */
  readonly nextBeforeId: string | null;
}

/**
 * Who changed what. Append-only: there is no update or delete here, and the database refuses
 * them anyway (trigger `audit_log_append_only`). Built on a transaction's manager, an entry
 * commits or rolls back with the change it describes.
 */
export class AuditLogRepository {
  constructor(private readonly db: Database) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const rows = (await managerOf(this.db).query(
      `INSERT INTO audit_log (actor, action, subject_type, subject_id, "before", "after")
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
       RETURNING id`,
      [
        entry.actor,
        entry.action,
        entry.subjectType,
        entry.subjectId,
        entry.before == null ? null : JSON.stringify(entry.before),
        entry.after == null ? null : JSON.stringify(entry.after),
      ],
    )) as { id: string }[];
    const id = rows[0]?.id;
    if (id === undefined) throw new Error('BUG: INSERT … RETURNING returned no row');
    return toEntry(await managerOf(this.db).findOneByOrFail(AuditLogEntity, { id }));
  }

  /** The subject's history, newest first; page with `beforeId` (the last id of the previous page). */
  async listFor(subjectType: string, subjectId: string, page: { limit?: number; beforeId?: string } = {}): Promise<AuditEntry[]> {
    const query = managerOf(this.db)
      .createQueryBuilder(AuditLogEntity, 'e')
      .where('e.subject_type = :subjectType AND e.subject_id = :subjectId', { subjectType, subjectId })
      .orderBy('e.id', 'DESC')
      .limit(clampLimit(page.limit));
    if (page.beforeId !== undefined) query.andWhere('e.id < :beforeId', { beforeId: page.beforeId });
    return (await query.getMany()).map(toEntry);
  }

  /** Entries matching every given filter, newest first, a page at a time (keyset on the id). */
  async list(filter: AuditFilter, page: { limit?: number; beforeId?: string } = {}): Promise<AuditPage> {
    const limit = clampLimit(page.limit);
    const query = managerOf(this.db)
      .createQueryBuilder(AuditLogEntity, 'e')
      .orderBy('e.id', 'DESC')
      .limit(limit + 1);
    if (filter.actor !== undefined) query.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter.action !== undefined) query.andWhere('e.action = :action', { action: filter.action });
    if (filter.subjectType !== undefined) query.andWhere('e.subject_type = :subjectType', { subjectType: filter.subjectType });
    if (filter.subjectId !== undefined) query.andWhere('e.subject_id = :subjectId', { subjectId: filter.subjectId });
    if (page.beforeId !== undefined) {
      if (!/^[0-9]{1,19}$/.test(page.beforeId)) throw new RangeError(`beforeId must be an audit entry id, got "${page.beforeId}"`);
      query.andWhere('e.id < :beforeId', { beforeId: page.beforeId });
    }
    const rows = (await query.getMany()).map(toEntry);
    const items = rows.slice(0, limit);
    return { items, nextBeforeId: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
  }
}

function toEntry(row: AuditLogEntity): AuditEntry {
  return {
    id: String(row.id),
    actor: row.actor,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    before: row.before,
    after: row.after,
    at: row.at,
  };
}
