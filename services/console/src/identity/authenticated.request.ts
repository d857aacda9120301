import type { Principal } from './principal';

/** How the request proved who it is; the session's id and expiry serve /auth/me and logout. */
export type Authentication =
  | { readonly via: 'session'; readonly sessionId: string; readonly expiresAt: Date }
  | { readonly via: 'service-token'; readonly tokenId: string };

/** The request as the auth guard leaves it (express's request with what the guard attached). */
export interface AuthenticatedRequest {
  method: string;
  originalUrl?: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
  authentication?: Authentication;
}
