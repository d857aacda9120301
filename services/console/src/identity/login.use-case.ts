import { DomainError } from '@argus/platform';
import { ConsoleErrorCodes } from '../console.errors';
import type { ConsoleUser } from '@argus/persistence';
import { normaliseUsername } from '@argus/persistence';
import { AuditActions } from '../audit/audit-trail';
import type { Clock } from './clock';
import type { IdentityStore } from './identity.store';
import type { PasswordHasher } from './password.hasher';
import { newSecret, secretDigest } from './token.digest';

/** A wrong username or password (not told apart, so usernames cannot be probed). */
export const INVALID_CREDENTIALS = ConsoleErrorCodes.invalidCredentials;

/** How long an expired or revoked session row is kept before a login deletes it. */
export const ENDED_SESSION_RETENTION_MS = 7 * 24 * 3600_000;

export interface LoginSettings {
  readonly sessionTtlMinutes: number;
}

export interface LoginResult {
  readonly user: ConsoleUser;
  readonly sessionId: string;
  /** The cookie's value; only its SHA-256 is stored. */
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Password sign-in. An unknown or disabled user costs the same scrypt work as a wrong password
 * (a dummy hash is checked), so response time does not tell which usernames exist. Every
 * failure is audited as `auth.login-failed`, with the reason, for the admins' eyes only; a
 * success as `auth.login` with the session it opened (who was signed in when is part of the trail).
 */
export class LoginUseCase {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: IdentityStore,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly settings: LoginSettings,
  ) {}

  async execute(input: { username: string; password: string }): Promise<LoginResult> {
    const username = normaliseUsername(input.username);
    const login = await this.store.users.findLoginByUsername(username);
    const matches = await this.hasher.verify(input.password, login?.passwordHash ?? (await this.dummy()));
    const reason = !login ? 'unknown-user' : !matches ? 'wrong-password' : login.user.disabled ? 'disabled' : null;
    if (reason !== null || !login) {
      await this.store.audit.append({
        actor: 'anonymous',
        action: AuditActions.loginFailed,
        subjectType: 'user',
        subjectId: username.slice(0, 200),
        after: { username, reason },
      });
      throw new DomainError(INVALID_CREDENTIALS, 'the username or the password is wrong');
    }
    const now = this.clock.now();
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + this.settings.sessionTtlMinutes * 60_000);
    const session = await this.store.sessions.create({
      userId: login.user.id,
      tokenSha256: secretDigest(token),
      createdAt: now,
      expiresAt,
    });
    // Housekeeping where sessions are made: those ended a week ago go, so the table stays small.
    await this.store.sessions.deleteEndedBefore(new Date(now.getTime() - ENDED_SESSION_RETENTION_MS));
    await this.store.audit.append({
      actor: login.user.username,
      action: AuditActions.login,
      subjectType: 'user',
      subjectId: login.user.id,
      after: { sessionId: session.id, expiresAt: expiresAt.toISOString() },
    });
    return { user: login.user, sessionId: session.id, token, expiresAt };
  }

  /** Ends a session (idempotent: a revoked session stays revoked) and audits `auth.logout`. */
  async logout(input: { username: string; userId: string; sessionId: string }): Promise<void> {
    await this.store.sessions.revoke(input.sessionId, this.clock.now());
    await this.store.audit.append({
      actor: input.username,
      action: AuditActions.logout,
      subjectType: 'user',
      subjectId: input.userId,
      after: { sessionId: input.sessionId },
    });
  }

  /** A hash of nothing anybody knows, computed once, to spend the same time on unknown users. */
  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(newSecret());
    return this.dummyHash;
  }
}
