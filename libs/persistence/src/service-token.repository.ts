import { IsNull } from 'typeorm';
import { ServiceTokenEntity } from './entities/service-token.entity';
import { managerOf } from './database-handle.helper';
import type { Database } from './database';
import { NameTakenError } from './persistence.errors';
import { isPgError, PgErrorCodes } from './pg-error.mapper';
import { type ConsoleUserRole, isUuid } from './user.repository';

export type ServiceTokenKind = 'camera' | 'service';

/** A service token as it may be shown: never the secret, never its hash. */
export interface ServiceToken {
  readonly id: string;
  readonly name: string;
  readonly kind: ServiceTokenKind;
  /** The role a `service` token acts with; null for a `camera` token (uploads only). */
  readonly role: ConsoleUserRole | null;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

export interface NewServiceToken {
  readonly name: string;
  readonly kind: ServiceTokenKind;
  readonly role: ConsoleUserRole | null;
  /** SHA-256 (hex) of the secret; the secret is shown once to its creator and never stored. */
  readonly tokenSha256: string;
  readonly createdBy: string;
}

/** Bearer tokens for cameras and scripts, stored hashed, revocable. */
export class ServiceTokenRepository {
  constructor(private readonly db: Database) {}

  /** Throws `NameTakenError` (code `conflict`) when the name is used, revoked tokens included. */
  async create(token: NewServiceToken): Promise<ServiceToken> {
    const manager = managerOf(this.db);
    try {
      return toToken(await manager.save(manager.create(ServiceTokenEntity, { ...token })));
    } catch (error) {
      if (isPgError(error, PgErrorCodes.uniqueViolation, 'uq_service_token_name')) throw new NameTakenError('service-token', token.name);
      throw error;
    }
  }

  /** Every token, revoked ones included (they explain old audit entries), newest first. */
  async list(): Promise<ServiceToken[]> {
    const rows = await managerOf(this.db).find(ServiceTokenEntity, { order: { createdAt: 'DESC', name: 'ASC' } });
    return rows.map(toToken);
  }

  async findById(id: string): Promise<ServiceToken | null> {
    if (!isUuid(id)) return null;
    const row = await managerOf(this.db).findOneBy(ServiceTokenEntity, { id });
    return row ? toToken(row) : null;
  }

  /** The token with this hash, unless revoked; `kind` narrows it (camera-ingest asks for `camera`). */
  async findActiveByTokenHash(tokenSha256: string, kind?: ServiceTokenKind): Promise<ServiceToken | null> {
    const query = managerOf(this.db)
      .createQueryBuilder(ServiceTokenEntity, 't')
      .where('t.token_sha256 = :tokenSha256 AND t.revoked_at IS NULL', { tokenSha256 });
    if (kind) query.andWhere('t.kind = :kind', { kind });
    const row = await query.getOne();
    return row ? toToken(row) : null;
  }

  /** Revokes it; returns the token before and after, or null when unknown. Revoking twice changes nothing. */
  async revoke(id: string, at: Date): Promise<{ before: ServiceToken; after: ServiceToken } | null> {
    if (!isUuid(id)) return null;
    const manager = managerOf(this.db);
    const row = await manager.findOneBy(ServiceTokenEntity, { id });
    if (!row) return null;
    const before = toToken(row);
    if (row.revokedAt === null) {
      row.revokedAt = at;
      await manager.update(ServiceTokenEntity, { id, revokedAt: IsNull() }, { revokedAt: at });
    }
    return { before, after: toToken(row) };
  }

  /** Records use; callers do it lazily (at most once a minute per token). */
  async markUsed(id: string, at: Date): Promise<void> {
    await managerOf(this.db).update(ServiceTokenEntity, { id }, { lastUsedAt: at });
  }
}

function toToken(row: ServiceTokenEntity): ServiceToken {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ServiceTokenKind,
    role: row.role as ConsoleUserRole | null,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}
