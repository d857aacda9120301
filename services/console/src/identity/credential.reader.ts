import type { PresentedCredential } from './credential-resolver.port';

/** The session cookie: an opaque random token; the database holds only its SHA-256. */
export const SESSION_COOKIE = 'argus_session';
/** Every service token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const SERVICE_TOKEN_PREFIX = 'argus_st_';

type Headers = Record<string, string | string[] | undefined>;

/**
 * The credential a request presents. A bearer token wins over the cookie (a script that sends
 * one means it); a bearer value that is not a service token is refused rather than ignored, so a
 * wrong header never silently falls back to a browser session.
 */
export function readCredential(headers: Headers): PresentedCredential | 'malformed' | null {
  const authorization = first(headers['authorization']);
  if (authorization !== undefined && authorization !== '') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    const token = match?.[1];
    if (!token?.startsWith(SERVICE_TOKEN_PREFIX)) return 'malformed';
    return { kind: 'service-token', token };
  }
  const session = cookieValue(first(headers['cookie']), SESSION_COOKIE);
  return session ? { kind: 'session', token: session } : null;
}

/** One cookie's value from a `Cookie` header (RFC 6265: `a=1; b=2`), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() !== name) continue;
    const raw = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
