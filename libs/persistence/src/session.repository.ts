import { UserSessionEntity } from './entities/user-session.entity';
import { toConsoleUser } from './app-user.mapper';
import { managerOf } from './database-handle.helper';
import type { Database } from './database';
import { type ConsoleUser, isUuid } from './user.repository';

export interface UserSession {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly lastSeenAt: Date;
}

export interface NewUserSession {
  readonly userId: string;
  /** SHA-256 (hex) of the cookie's token; the token itself is never stored. */
  readonly tokenSha256: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** Browser sessions of console users. Times come from the caller's clock, so expiry is testable. */
export class SessionRepository {
  constructor(private readonly db: Database) {}

  async create(session: NewUserSession): Promise<UserSession> {
    const manager = managerOf(this.db);
    const row = manager.create(UserSessionEntity, {
      userId: session.userId,
      tokenSha256: session.tokenSha256,
      createdAt: session.createdAt,
      expiresAt: session.expiresAt,
      lastSeenAt: session.createdAt,
    });
    return toSession(await manager.save(row));
  }

  /**
   * The session with this token hash and its user, when it is still good at `now`: not expired,
   * not revoked, and its user not disabled. Otherwise null, whichever the reason.
   */
  async findActiveByTokenHash(tokenSha256: string, now: Date): Promise<{ session: UserSession; user: ConsoleUser } | null> {
    const row = await managerOf(this.db)
      .createQueryBuilder(UserSessionEntity, 's')
      .innerJoinAndSelect('s.user', 'u')
      .where('s.token_sha256 = :tokenSha256', { tokenSha256 })
      .andWhere('s.revoked_at IS NULL')
      .andWhere('s.expires_at > :now', { now })
      .andWhere('u.disabled = false')
      .getOne();
    if (!row?.user) return null;
    return { session: toSession(row), user: toConsoleUser(row.user) };
  }

  /** Records activity; callers do it at most once a minute per session, not on every request. */
  async touch(sessionId: string, at: Date): Promise<void> {
    await managerOf(this.db).update(UserSessionEntity, { id: sessionId }, { lastSeenAt: at });
  }

  /** Ends one session (logout). Returns false when it was unknown or already ended. */
  async revoke(sessionId: string, at: Date): Promise<boolean> {
    if (!isUuid(sessionId)) return false;
    const result = await managerOf(this.db)
      .createQueryBuilder()
      .update(UserSessionEntity)
      .set({ revokedAt: at })
      .where('id = :sessionId AND revoked_at IS NULL', { sessionId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Deletes sessions that ended (expired or revoked) before `cutoff`: they can never authenticate
   * again, and logins and logouts stay in the audit log. Returns how many.
   */
  async deleteEndedBefore(cutoff: Date): Promise<number> {
    const result = await managerOf(this.db)
      .createQueryBuilder()
      .delete()
      .from(UserSessionEntity)
      .where('expires_at < :cutoff OR revoked_at < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }

  /** Ends every open session of a user (disabled, password changed). Returns how many. */
  async revokeAllForUser(userId: string, at: Date): Promise<number> {
    const result = await managerOf(this.db)
      .createQueryBuilder()
      .update(UserSessionEntity)
      .set({ revokedAt: at })
      .where('user_id = :userId AND revoked_at IS NULL', { userId })
      .execute();
    return result.affected ?? 0;
  }
}

function toSession(row: UserSessionEntity): UserSession {
  return {
    id: row.id,
    userId: row.userId,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    lastSeenAt: row.lastSeenAt,
  };
}
