import type { Secret } from '@argus/platform';
import type { SessionCookieSettings } from './session.cookie';

/** What identity takes from the configuration. */
export interface IdentitySettings {
  readonly sessionTtlMinutes: number;
  readonly cookie: SessionCookieSettings;
  /** The first admin, created at start-up when missing (never overwritten). */
  readonly firstAdmin?: { readonly username: string; readonly password: Secret };
}
export const IDENTITY_SETTINGS = Symbol('IDENTITY_SETTINGS');
