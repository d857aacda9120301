import { CommonErrorCodes, DomainError } from '@argus/platform';
import type { ServiceToken } from '@argus/persistence';
import { AuditActions } from '../audit/audit-trail';
import type { Clock } from '../identity/clock';
import { SERVICE_TOKEN_PREFIX } from '../identity/credential.reader';
import type { IdentityStore } from '../identity/identity.store';
import type { Principal, UserRole } from '../identity/principal';
import { newSecret, secretDigest } from '../identity/token.digest';
import { presentServiceToken } from './service-token.presenter';

export type NewServiceTokenCommand = { readonly name: string } & (
  { readonly kind: 'camera' } | { readonly kind: 'service'; readonly role: UserRole }
);

/**
 * Admins issue and revoke service tokens. The secret (`argus_st_` + 32 random bytes) is returned
 * once, here, and never stored: the database keeps its SHA-256. Both steps are audited with the
 * token as the API shows it (no secret).
 */
export class ServiceTokenAdministrationUseCase {
  constructor(
    private readonly store: IdentityStore,
    private readonly clock: Clock,
  ) {}

  list(): Promise<ServiceToken[]> {
    return this.store.serviceTokens.list();
  }

  async create(actor: Principal, command: NewServiceTokenCommand): Promise<{ token: string; serviceToken: ServiceToken }> {
    const token = `${SERVICE_TOKEN_PREFIX}${newSecret()}`;
    const serviceToken = await this.store.transaction(async ({ serviceTokens, audit }) => {
      const created = await serviceTokens.create({
        name: command.name,
        kind: command.kind,
        role: command.kind === 'service' ? command.role : null,
        tokenSha256: secretDigest(token),
        createdBy: actor.name,
      });
      await audit.append({
        actor: actor.name,
        action: AuditActions.serviceTokenCreated,
        subjectType: 'service-token',
        subjectId: created.id,
        after: { ...presentServiceToken(created) },
      });
      return created;
    });
    return { token, serviceToken };
  }

  async revoke(actor: Principal, id: string): Promise<void> {
    await this.store.transaction(async ({ serviceTokens, audit }) => {
      const revoked = await serviceTokens.revoke(id, this.clock.now());
      if (!revoked) throw new DomainError(CommonErrorCodes.notFound, `service token "${id}" does not exist`);
      if (revoked.before.revokedAt !== null) return;
      await audit.append({
        actor: actor.name,
        action: AuditActions.serviceTokenRevoked,
        subjectType: 'service-token',
        subjectId: id,
        before: { ...presentServiceToken(revoked.before) },
        after: { ...presentServiceToken(revoked.after) },
      });
    });
  }
}
