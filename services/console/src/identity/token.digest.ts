import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: the secret a session cookie or a service token carries. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database keeps of a secret: its SHA-256 in hex. The secrets are 256 random bits, so
 * a fast hash is enough (no guessing to slow down), and a lookup by hash is one index probe.
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
