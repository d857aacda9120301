/** The roles a console user can have; a service token of kind `service` acts with one of them. */
export const USER_ROLES = ['operator', 'ml-engineer', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A principal's role: a user role, or `camera` for a camera's service token (uploads only). */
export type PrincipalRole = UserRole | 'camera';

/**
 * Who is making a request, as the auth guard resolved it from the session cookie or a service
 * token. `name` is what the audit log records as the actor: the username, or `token:<name>`.
 */
export interface Principal {
  readonly kind: 'user' | 'service-token';
  /** The user's or the service token's id (uuid). */
  readonly id: string;
  readonly name: string;
  readonly role: PrincipalRole;
}

/** The audit actor of a service token: `token:<name>`. */
export function serviceTokenActor(tokenName: string): string {
  return `token:${tokenName}`;
}
