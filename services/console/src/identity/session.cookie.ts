import { SESSION_COOKIE } from './credential.reader';

export interface SessionCookieSettings {
  /** Add `Secure` (the console is served over HTTPS). */
  readonly secure: boolean;
}

/** `Set-Cookie` for a new session: HttpOnly (no script reads it), SameSite=Strict, Path=/. */
export function sessionCookie(token: string, expiresAt: Date, now: Date, settings: SessionCookieSettings): string {
  const maxAge = Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000));
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAge}`,
    `Expires=${expiresAt.toUTCString()}`,
    ...(settings.secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that makes the browser drop the session cookie. */
export function clearedSessionCookie(settings: SessionCookieSettings): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ...(settings.secure ? ['Secure'] : []),
  ].join('; ');
}
