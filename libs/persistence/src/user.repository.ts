import { AppUserEntity } from './entities/app-user.entity';
import { toConsoleUser } from './app-user.mapper';
import { managerOf } from './database-handle.helper';
import type { Database } from './database';
import { NameTakenError } from './persistence.errors';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

export type ConsoleUserRole = 'operator' | 'ml-engineer' | 'admin';

/** A console user as everyone may see it: never the password hash. */
export interface ConsoleUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: ConsoleUserRole;
  readonly disabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewConsoleUser {
  /** Stored lower-case: usernames are case-insensitive. */
  readonly username: string;
  readonly displayName: string;
  readonly role: ConsoleUserRole;
  readonly passwordHash: string;
}

export interface ConsoleUserChange {
  readonly role?: ConsoleUserRole;
  readonly disabled?: boolean;
  readonly displayName?: string;
  readonly passwordHash?: string;
}

/** Console users. The password hash leaves only through `findLoginByUsername`, for the login check. */
export class UserRepository {
  constructor(private readonly db: Database) {}

  /** Throws `NameTakenError` (code `conflict`) when the username exists in any letter case. */
  async create(user: NewConsoleUser): Promise<ConsoleUser> {
    const manager = managerOf(this.db);
    const username = normaliseUsername(user.username);
    try {
      const row = manager.create(AppUserEntity, {
        username,
        displayName: user.displayName,
        role: user.role,
        passwordHash: user.passwordHash,
      });
      return toConsoleUser(await manager.save(row));
    } catch (error) {
      if (isPgError(error, PgErrorCodes.uniqueViolation, 'uq_app_user_username')) throw new NameTakenError('user', username);
      throw error;
    }
  }

  /** Creates the user unless the username exists; never changes an existing one. */
  async createIfMissing(user: NewConsoleUser): Promise<{ user: ConsoleUser; created: boolean }> {
    const rows = (await managerOf(this.db).query(
      `INSERT INTO app_user (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT ON CONSTRAINT uq_app_user_username DO NOTHING RETURNING id`,
      [normaliseUsername(user.username), user.displayName, user.role, user.passwordHash],
    )) as { id: string }[];
    const existing = await this.findByUsername(user.username);
    if (!existing) throw new Error(`BUG: user "${user.username}" neither inserted nor found`);
    return { user: existing, created: rows.length > 0 };
  }

  async findById(id: string): Promise<ConsoleUser | null> {
    if (!isUuid(id)) return null;
    const row = await managerOf(this.db).findOneBy(AppUserEntity, { id });
    return row ? toConsoleUser(row) : null;
  }

  async findByUsername(username: string): Promise<ConsoleUser | null> {
    const row = await managerOf(this.db).findOneBy(AppUserEntity, { username: normaliseUsername(username) });
    return row ? toConsoleUser(row) : null;
  }

  /** The user and its password hash, for checking a login; null when no such username. */
  async findLoginByUsername(username: string): Promise<{ user: ConsoleUser; passwordHash: string } | null> {
    const row = await managerOf(this.db).findOneBy(AppUserEntity, { username: normaliseUsername(username) });
    return row ? { user: toConsoleUser(row), passwordHash: row.passwordHash } : null;
  }

  /** Every user, by username. A console has tens of users, not millions: no paging. */
  async list(): Promise<ConsoleUser[]> {
    const rows = await managerOf(this.db).find(AppUserEntity, { order: { username: 'ASC' } });
    return rows.map(toConsoleUser);
  }

  /** Enabled admins, so the last one cannot lock everybody out. */
  async countEnabledAdmins(): Promise<number> {
    return managerOf(this.db).countBy(AppUserEntity, { role: 'admin', disabled: false });
  }

  /** Applies the change; returns the user before and after (null when there is no such user). */
  async update(id: string, change: ConsoleUserChange): Promise<{ before: ConsoleUser; after: ConsoleUser } | null> {
    if (!isUuid(id)) return null;
    const manager = managerOf(this.db);
    const row = await manager.findOneBy(AppUserEntity, { id });
    if (!row) return null;
    const before = toConsoleUser(row);
    if (change.role !== undefined) row.role = change.role;
    if (change.disabled !== undefined) row.disabled = change.disabled;
    if (change.displayName !== undefined) row.displayName = change.displayName;
    if (change.passwordHash !== undefined) row.passwordHash = change.passwordHash;
    row.updatedAt = new Date();
    return { before, after: toConsoleUser(await manager.save(row)) };
  }
}

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A malformed id finds nothing (instead of Postgres refusing the cast). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
