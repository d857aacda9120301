import type { AppUserEntity } from './entities/app-user.entity';
import type { ConsoleUser, ConsoleUserRole } from './user.repository';

/** The public shape of a user row: everything but the password hash. */
export function toConsoleUser(row: AppUserEntity): ConsoleUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role as ConsoleUserRole,
    disabled: row.disabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
