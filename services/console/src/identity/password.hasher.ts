import { randomBytes, scrypt as scryptCallback, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/** scrypt cost as the contract fixes it: N = 2^15, r = 8, p = 1; 16-byte salt, 32-byte key. */
export interface ScryptCost {
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}
export const DEFAULT_SCRYPT_COST: ScryptCost = { log2N: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Password hashes in a self-describing string, `scrypt$<log2N>$<r>$<p>$<salt b64>$<hash b64>`, so
 * the cost can rise later without invalidating stored hashes (each is checked with its own).
 * N=2^15, r=8 needs 32 MiB (128·N·r bytes), over Node's default 32 MiB `maxmem` limit once
 * overhead counts: the limit is raised to what the parameters need plus slack.
 */
export class PasswordHasher {
  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.cost, KEY_BYTES);
    const { log2N, r, p } = this.cost;
    return `scrypt$${log2N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  /** True when `password` matches `stored`; false for a wrong password or a malformed/tampered hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseHash(stored);
    if (!parsed) return false;
    const key = await derive(password, parsed.salt, parsed.cost, parsed.key.length);
    return timingSafeEqual(key, parsed.key);
  }
}

interface ParsedHash {
  readonly cost: ScryptCost;
  readonly salt: Buffer;
  readonly key: Buffer;
}

const HASH_FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** Parses a stored hash; null when it is not one we wrote (or the cost is out of the sane range). */
export function parseHash(stored: string): ParsedHash | null {
  const match = HASH_FORMAT.exec(stored);
  if (!match) return null;
  const [log2N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4] ?? '', 'base64');
  const key = Buffer.from(match[5] ?? '', 'base64');
  // Bounds keep a tampered row from making the server derive with absurd memory or time.
  if (log2N < 10 || log2N > 20 || r < 1 || r > 16 || p < 1 || p > 4) return null;
  if (salt.length < 8 || key.length < 16 || key.length > 64) return null;
  return { cost: { log2N, r, p }, salt, key };
}

function derive(password: string, salt: Buffer, cost: ScryptCost, keyBytes: number): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 128 * N * cost.r * cost.p + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFKC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
