import type { Authentication } from './authenticated.request';
import type { Principal } from './principal';

/** What a request presented: the session cookie's token or a bearer service token (`argus_st_…`). */
export type PresentedCredential =
  { readonly kind: 'session'; readonly token: string } | { readonly kind: 'service-token'; readonly token: string };

export interface ResolvedCredential {
  readonly principal: Principal;
  readonly authentication: Authentication;
}

/**
 * Turns a presented credential into a principal, or `null` when it is unknown, expired, revoked
 * or its user is disabled (all of which answer 401 alike).
 */
export interface CredentialResolver {
  resolve(credential: PresentedCredential): Promise<ResolvedCredential | null>;
}
export const CREDENTIAL_RESOLVER = Symbol('CREDENTIAL_RESOLVER');

/** A refused request, for the audit log (`access.denied`). */
export interface AccessDenial {
  readonly principal: Principal;
  readonly method: string;
  readonly path: string;
  readonly requiredRoles: readonly string[];
}

export interface AccessDenialRecorder {
  recordDenial(denial: AccessDenial): Promise<void>;
}
export const ACCESS_DENIAL_RECORDER = Symbol('ACCESS_DENIAL_RECORDER');
