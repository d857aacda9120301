import { createHash } from 'node:crypto';
import type { ImageHeader } from './image-codec';
import type { LetterboxedImage } from './preprocess';

/** A golden template read once: its header (to check frames against) and its letterboxed pixels. */
export interface PreparedTemplate {
  readonly header: ImageHeader;
  readonly image: LetterboxedImage;
}

/**
 * Letterboxed golden templates by content. Every frame of a line comes with the same template,
 * and decoding it again for each frame cost as much as decoding the frame. Keyed by a hash of the
 * bytes (not by a name: a replaced template with the same key must not be served stale), least
 * recently used first out. One cache per model input geometry (a DetectorRunner owns one).
 * Failures are not kept.
 */
export class TemplateCache {
  private readonly entries = new Map<string, Promise<PreparedTemplate>>();

  constructor(private readonly maxEntries = 16) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The prepared template for these bytes: cached, or made by `prepare` (and kept if it succeeds). */
  getOrPrepare(bytes: Uint8Array, prepare: () => Promise<PreparedTemplate>): Promise<PreparedTemplate> {
    const key = createHash('sha256').update(bytes).digest('base64');
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, hit);
      return hit;
    }
    const prepared = prepare();
    this.entries.set(key, prepared);
    prepared.catch(() => {
      if (this.entries.get(key) === prepared) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return prepared;
  }
}
