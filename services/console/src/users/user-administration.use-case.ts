import { CommonErrorCodes, DomainError } from '@argus/platform';
import type { ConsoleUser } from '@argus/persistence';
import { AuditActions } from '../audit/audit-trail';
import type { Clock } from '../identity/clock';
import type { IdentityStore } from '../identity/identity.store';
import type { PasswordHasher } from '../identity/password.hasher';
import type { Principal, UserRole } from '../identity/principal';
import { presentUser } from './user.presenter';

export interface NewUserCommand {
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly password: string;
}

export interface UserChangeCommand {
  readonly role?: UserRole;
  readonly disabled?: boolean;
  readonly displayName?: string;
  readonly password?: string;
}

/**
 * Admins manage users. Each change commits with its audit entry (`user.created`, `user.changed`,
 * before/after as the API shows users: never a password hash; a new password shows as
 * `passwordChanged: true`). Disabling a user or setting a password ends their sessions. The last
 * enabled admin cannot be disabled or demoted (nobody could manage users any more).
 */
export class UserAdministrationUseCase {
  constructor(
    private readonly store: IdentityStore,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  list(): Promise<ConsoleUser[]> {
    return this.store.users.list();
  }

  async create(actor: Principal, command: NewUserCommand): Promise<ConsoleUser> {
    const passwordHash = await this.hasher.hash(command.password);
    return this.store.transaction(async ({ users, audit }) => {
      const user = await users.create({ username: command.username, displayName: command.displayName, role: command.role, passwordHash });
      await audit.append({
        actor: actor.name,
        action: AuditActions.userCreated,
        subjectType: 'user',
        subjectId: user.id,
        after: { ...presentUser(user) },
      });
      return user;
    });
  }

  async change(actor: Principal, userId: string, command: UserChangeCommand): Promise<ConsoleUser> {
    const passwordHash = command.password === undefined ? undefined : await this.hasher.hash(command.password);
    return this.store.transaction(async ({ users, sessions, audit }) => {
      const current = await users.findById(userId);
      if (!current) throw new DomainError(CommonErrorCodes.notFound, `user "${userId}" does not exist`);
      const losesAdmin =
        current.role === 'admin' &&
        !current.disabled &&
        ((command.role !== undefined && command.role !== 'admin') || command.disabled === true);
      if (losesAdmin && (await users.countEnabledAdmins()) <= 1) {
        throw new DomainError(CommonErrorCodes.conflict, `"${current.username}" is the last enabled admin: make another admin first`);
      }
      const changed = await users.update(userId, {
        ...(command.role !== undefined ? { role: command.role } : {}),
        ...(command.disabled !== undefined ? { disabled: command.disabled } : {}),
        ...(command.displayName !== undefined ? { displayName: command.displayName } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
      });
      if (!changed) throw new DomainError(CommonErrorCodes.notFound, `user "${userId}" does not exist`);
      const now = this.clock.now();
      const sessionsEnded = command.disabled === true || passwordHash !== undefined ? await sessions.revokeAllForUser(userId, now) : 0;
      await audit.append({
        actor: actor.name,
        action: AuditActions.userChanged,
        subjectType: 'user',
        subjectId: userId,
        before: { ...presentUser(changed.before) },
        after: {
          ...presentUser(changed.after),
          ...(passwordHash !== undefined ? { passwordChanged: true } : {}),
          ...(sessionsEnded > 0 ? { sessionsEnded } : {}),
        },
      });
      return changed.after;
    });
  }
}
