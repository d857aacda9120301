import { createHash } from 'node:crypto';
import type { Logger } from '@argus/platform';
import type { ServiceToken, ServiceTokenKind } from '@argus/persistence';

/** Service tokens of kind `camera` the console issued; the guard asks whether one is valid. */
export interface CameraTokenDirectory {
  /** The token's name when `token` is a non-revoked camera token, else null. */
  findCamera(token: string): Promise<string | null>;
}
export const CAMERA_TOKEN_DIRECTORY = Symbol('CAMERA_TOKEN_DIRECTORY');

/** The lookup the directory needs (ServiceTokenRepository has it). */
export interface ServiceTokenLookup {
  findActiveByTokenHash(tokenSha256: string, kind?: ServiceTokenKind): Promise<ServiceToken | null>;
  markUsed(id: string, at: Date): Promise<void>;
}

export interface CameraTokenCacheSettings {
  /** How long a valid token is trusted without asking Postgres: the most a revocation waits. */
  readonly validForMs: number;
  /** How long an unknown token is refused without asking again (a camera retrying with a bad token). */
  readonly invalidForMs: number;
  /** last_used_at is written at most this often per token. */
  readonly markUsedEveryMs: number;
}

export const DEFAULT_CAMERA_TOKEN_CACHE: CameraTokenCacheSettings = { validForMs: 30_000, invalidForMs: 5_000, markUsedEveryMs: 60_000 };

interface CacheEntry {
  readonly token: ServiceToken | null;
  readonly until: number;
}

/**
 * Camera tokens looked up in Postgres by SHA-256, with a short cache: uploads arrive many times a
 * second per camera, and a revocation must still take effect within `validForMs` (30 s). Use is
 * recorded lazily (`last_used_at`, at most once a minute, never delaying the upload).
 */
export class CachedCameraTokenDirectory implements CameraTokenDirectory {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastMarked = new Map<string, number>();

  constructor(
    private readonly lookup: ServiceTokenLookup,
    private readonly logger: Logger,
    private readonly settings: CameraTokenCacheSettings = DEFAULT_CAMERA_TOKEN_CACHE,
    private readonly now: () => number = Date.now,
  ) {}

  async findCamera(token: string): Promise<string | null> {
    const digest = createHash('sha256').update(token, 'utf8').digest('hex');
    const at = this.now();
    let entry = this.cache.get(digest);
    if (!entry || entry.until <= at) {
      const found = await this.lookup.findActiveByTokenHash(digest, 'camera');
      entry = { token: found, until: at + (found ? this.settings.validForMs : this.settings.invalidForMs) };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(digest, entry);
    }
    if (!entry.token) return null;
    this.markUsed(entry.token.id, at);
    return entry.token.name;
  }

  private markUsed(id: string, at: number): void {
    if (at - (this.lastMarked.get(id) ?? -Infinity) < this.settings.markUsedEveryMs) return;
    this.lastMarked.set(id, at);
    this.lookup
      .markUsed(id, new Date(at))
      .catch((error: unknown) => this.logger.warn({ err: error, tokenId: id }, 'could not record the camera token use'));
  }
}
