import { createHash } from 'node:crypto';
import type { AuditLogRepository, ConsoleUser, NewAuditEntry, NewUserSession, SessionRepository, UserRepository } from '@argus/persistence';
import { DomainError } from '@argus/platform';
import type { IdentityStore } from './identity.store';
import { INVALID_CREDENTIALS, LoginUseCase } from './login.use-case';
import { PasswordHasher } from './password.hasher';

/** A mock that only has the members given: anything else throws, so an unexpected call fails the test. */
function strictMock<T extends object>(name: string, members: Partial<T>): T {
  return new Proxy(members as T, {
    get(target, property, receiver) {
      if (property === 'then' || typeof property === 'symbol') return Reflect.get(target, property, receiver);
      if (!(property in target)) throw new Error(`unexpected use of ${name}.${String(property)}`);
      return Reflect.get(target, property, receiver);
    },
  });
}

const NOW = new Date('2026-03-01T08:00:00.000Z');
// A cheap cost keeps the test fast; the format and the check are the same.
const hasher = new PasswordHasher({ log2N: 10, r: 8, p: 1 });

function user(overrides: Partial<ConsoleUser> = {}): ConsoleUser {
  return {
    id: 'u-1',
    username: 'olga',
    displayName: 'Olga',
    role: 'operator',
    disabled: false,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

async function setUp(stored: { user: ConsoleUser; password: string } | null) {
  const passwordHash = stored ? await hasher.hash(stored.password) : null;
  const audited: NewAuditEntry[] = [];
  const sessions: NewUserSession[] = [];
  const purgedBefore: Date[] = [];
  const verified: string[] = [];
  const revoked: { sessionId: string; at: Date }[] = [];
  const countingHasher = strictMock<PasswordHasher>('hasher', {
    hash: (password: string) => hasher.hash(password),
    verify: (password: string, hash: string) => {
      verified.push(hash);
      return hasher.verify(password, hash);
    },
  });
  const store = strictMock<IdentityStore>('store', {
    users: strictMock<UserRepository>('users', {
      findLoginByUsername: (username: string) =>
        Promise.resolve(stored && passwordHash && username === stored.user.username ? { user: stored.user, passwordHash } : null),
    }),
    sessions: strictMock<SessionRepository>('sessions', {
      create: (session: NewUserSession) => {
        sessions.push(session);
        return Promise.resolve({
          id: 's-1',
          userId: session.userId,
          createdAt: session.createdAt,
          expiresAt: session.expiresAt,
          revokedAt: null,
          lastSeenAt: session.createdAt,
        });
      },
      deleteEndedBefore: (cutoff: Date) => {
        purgedBefore.push(cutoff);
        return Promise.resolve(0);
      },
      revoke: (sessionId: string, at: Date) => {
        revoked.push({ sessionId, at });
        return Promise.resolve(true);
      },
    }),
    audit: strictMock<AuditLogRepository>('audit', {
      append: (entry: NewAuditEntry) => {
        audited.push(entry);
        return Promise.resolve({ id: '1', at: NOW, before: null, after: null, ...entry });
      },
    }),
  });
  const login = new LoginUseCase(store, countingHasher, { now: () => NOW }, { sessionTtlMinutes: 480 });
  return { login, audited, sessions, purgedBefore, verified, revoked, passwordHash };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the login to fail');
}

describe('LoginUseCase', () => {
  it('opens a session that ends after the TTL, stores only the SHA-256 of its token, and audits auth.login', async () => {
    const { login, sessions, audited } = await setUp({ user: user(), password: 'right-password' });
    const result = await login.execute({ username: ' OLGA ', password: 'right-password' });
    expect(result.user.username).toBe('olga');
    expect(result.expiresAt).toEqual(new Date('2026-03-01T16:00:00.000Z'));
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions).toEqual([
      { userId: 'u-1', tokenSha256: createHash('sha256').update(result.token).digest('hex'), createdAt: NOW, expiresAt: result.expiresAt },
    ]);
    expect(audited).toEqual([
      {
        actor: 'olga',
        action: 'auth.login',
        subjectType: 'user',
        subjectId: 'u-1',
        after: { sessionId: 's-1', expiresAt: '2026-03-01T16:00:00.000Z' },
      },
    ]);
    expect(JSON.stringify(audited)).not.toContain(result.token);
  });

  it('revokes the session on logout and audits auth.logout', async () => {
    const { login, audited, revoked } = await setUp({ user: user(), password: 'right-password' });
    await login.logout({ username: 'olga', userId: 'u-1', sessionId: 's-9' });
    expect(revoked).toEqual([{ sessionId: 's-9', at: NOW }]);
    expect(audited).toEqual([{ actor: 'olga', action: 'auth.logout', subjectType: 'user', subjectId: 'u-1', after: { sessionId: 's-9' } }]);
  });

  it('deletes the sessions that ended more than a week ago when it opens one, and none on a failed login', async () => {
    const ok = await setUp({ user: user(), password: 'right-password' });
    await ok.login.execute({ username: 'olga', password: 'right-password' });
    expect(ok.purgedBefore).toEqual([new Date(NOW.getTime() - 7 * 24 * 3600_000)]);
    const refused = await setUp({ user: user(), password: 'right-password' });
    await refused.login.execute({ username: 'olga', password: 'wrong' }).catch(() => undefined);
    expect(refused.purgedBefore).toEqual([]);
  });

  it('refuses a wrong password with invalid-credentials and audits auth.login-failed', async () => {
    const { login, sessions, audited } = await setUp({ user: user(), password: 'right-password' });
    const error = await failure(login.execute({ username: 'olga', password: 'wrong-password' }));
    expect(error.code).toBe(INVALID_CREDENTIALS);
    expect(sessions).toEqual([]);
    expect(audited).toEqual([
      {
        actor: 'anonymous',
        action: 'auth.login-failed',
        subjectType: 'user',
        subjectId: 'olga',
        after: { username: 'olga', reason: 'wrong-password' },
      },
    ]);
  });

  it('spends a password check on an unknown user too (a dummy hash), and says the same', async () => {
    const { login, verified, audited } = await setUp({ user: user(), password: 'right-password' });
    const unknown = await failure(login.execute({ username: 'ghost', password: 'whatever-password' }));
    const wrong = await failure(login.execute({ username: 'olga', password: 'whatever-password' }));
    expect(unknown.message).toBe(wrong.message);
    expect(verified).toHaveLength(2);
    expect(verified[0]).toMatch(/^scrypt\$10\$8\$1\$/);
    expect(audited[0]?.after).toEqual({ username: 'ghost', reason: 'unknown-user' });
  });

  it('refuses a disabled user even with the right password', async () => {
    const { login, sessions, audited } = await setUp({ user: user({ disabled: true }), password: 'right-password' });
    expect((await failure(login.execute({ username: 'olga', password: 'right-password' }))).code).toBe(INVALID_CREDENTIALS);
    expect(sessions).toEqual([]);
    expect(audited[0]?.after).toEqual({ username: 'olga', reason: 'disabled' });
  });
});
