import type { ServiceToken } from '@argus/persistence';

/** `ServiceToken` of the API contract: never the secret. */
export interface ServiceTokenView {
  readonly id: string;
  readonly name: string;
  readonly kind: 'camera' | 'service';
  readonly role: 'operator' | 'ml-engineer' | 'admin' | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

export function presentServiceToken(token: ServiceToken): ServiceTokenView {
  return {
    id: token.id,
    name: token.name,
    kind: token.kind,
    role: token.role,
    createdBy: token.createdBy,
    createdAt: token.createdAt.toISOString(),
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}
