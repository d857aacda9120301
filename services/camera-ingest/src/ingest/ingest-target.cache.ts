import type { IngestTarget } from '@argus/persistence';
import type { IngestTargetLookup } from './ingest-frame.use-case';

/** How long a known line/camera (and its template) is trusted without asking Postgres again. */
export const DEFAULT_INGEST_TARGET_TTL_MS = 5_000;

/**
 * Every frame needs its line, camera and golden template; they change rarely (the console edits
 * them), so a found target is kept for a few seconds instead of a Postgres round trip per frame.
 * Only what exists is cached: a camera added a moment ago is found on its first frame, and an
 * unknown line or camera is asked again every time (no 404 outlives the fix). A removed camera or a
 * changed template takes effect within the TTL.
 */
export class CachedIngestTargets implements IngestTargetLookup {
  private readonly known = new Map<string, { readonly target: IngestTarget; readonly until: number }>();

  constructor(
    private readonly source: IngestTargetLookup,
    private readonly ttlMs: number = DEFAULT_INGEST_TARGET_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async findIngestTarget(lineId: string, cameraId: string): Promise<IngestTarget | null> {
    const key = `${lineId}\u0000${cameraId}`;
    const hit = this.known.get(key);
    if (hit && hit.until > this.now()) return hit.target;
    const target = await this.source.findIngestTarget(lineId, cameraId);
    if (target?.camera) this.known.set(key, { target, until: this.now() + this.ttlMs });
    else this.known.delete(key);
    return target;
  }
}
