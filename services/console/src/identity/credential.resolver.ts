import type { ConsoleUser, ServiceToken } from '@argus/persistence';
import type { Clock } from './clock';
import type { CredentialResolver, PresentedCredential, ResolvedCredential } from './credential-resolver.port';
import type { IdentityStore } from './identity.store';
import { type Principal, serviceTokenActor } from './principal';
import { secretDigest } from './token.digest';

/** last_seen_at / last_used_at are written at most this often per session or token (not per request). */
const ACTIVITY_WRITE_INTERVAL_MS = 60_000;

/**
 * Resolves the session cookie or a service token against Postgres, by the SHA-256 of the secret.
 * Every request asks the database (no cache), so a logout, a revocation or a disabled user takes
 * effect on the very next request.
 */
export class DatabaseCredentialResolver implements CredentialResolver {
  private readonly lastTokenWrite = new Map<string, number>();

  constructor(
    private readonly store: IdentityStore,
    private readonly clock: Clock,
  ) {}

  async resolve(credential: PresentedCredential): Promise<ResolvedCredential | null> {
    const digest = secretDigest(credential.token);
    const now = this.clock.now();
    if (credential.kind === 'session') {
      const found = await this.store.sessions.findActiveByTokenHash(digest, now);
      if (!found) return null;
      if (now.getTime() - found.session.lastSeenAt.getTime() >= ACTIVITY_WRITE_INTERVAL_MS) {
        await this.store.sessions.touch(found.session.id, now);
      }
      return {
        principal: userPrincipal(found.user),
        authentication: { via: 'session', sessionId: found.session.id, expiresAt: found.session.expiresAt },
      };
    }
    const token = await this.store.serviceTokens.findActiveByTokenHash(digest);
    if (!token) return null;
    const last = this.lastTokenWrite.get(token.id) ?? 0;
    if (now.getTime() - last >= ACTIVITY_WRITE_INTERVAL_MS) {
      this.lastTokenWrite.set(token.id, now.getTime());
      await this.store.serviceTokens.markUsed(token.id, now);
    }
    return { principal: tokenPrincipal(token), authentication: { via: 'service-token', tokenId: token.id } };
  }
}

export function userPrincipal(user: ConsoleUser): Principal {
  return { kind: 'user', id: user.id, name: user.username, role: user.role };
}

export function tokenPrincipal(token: ServiceToken): Principal {
  return { kind: 'service-token', id: token.id, name: serviceTokenActor(token.name), role: token.role ?? 'camera' };
}
