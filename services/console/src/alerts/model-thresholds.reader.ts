import { ObjectNotFoundError, type ObjectStore } from '@argus/storage';
import { z } from 'zod';

/** The score thresholds a model version's package declares (its `metadata.json`, `postprocessing`). */
export interface ModelThresholds {
  /** Detections scoring below this are not reported by the model at all. */
  readonly scoreThreshold: number;
  /** The best-F1 threshold on validation (what an alerting deployment would use); null when none. */
  readonly deploymentThreshold: number | null;
}

const MetadataSchema = z.object({
  postprocessing: z.object({
    scoreThreshold: z.number().min(0).max(1),
    deploymentThreshold: z.number().min(0).max(1).nullable().optional(),
  }),
});

/** Packages are immutable once registered, so a version's thresholds are read once; this many are kept. */
const CACHED_VERSIONS = 256;

/**
 * Reads a version's thresholds from its package in the object store (`<artifactKey>/metadata.json`,
 * uploaded at registration), once per package. Null when there is none there, or it declares none.
 */
export class ModelThresholdsReader {
  private readonly cache = new Map<string, ModelThresholds | null>();

  constructor(private readonly store: Pick<ObjectStore, 'get'>) {}

  async read(artifactKey: string): Promise<ModelThresholds | null> {
    if (this.cache.has(artifactKey)) return this.cache.get(artifactKey) ?? null;
    let bytes: Buffer;
    try {
      bytes = await this.store.get(`${artifactKey}/metadata.json`);
    } catch (error) {
      // Not cached: the package may be uploaded yet (registration uploads it first, but not atomically).
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
    let thresholds: ModelThresholds | null = null;
    try {
      const parsed = MetadataSchema.safeParse(JSON.parse(bytes.toString('utf8')));
      if (parsed.success)
        thresholds = {
          scoreThreshold: parsed.data.postprocessing.scoreThreshold,
          deploymentThreshold: parsed.data.postprocessing.deploymentThreshold ?? null,
        };
    } catch {
      thresholds = null;
    }
    if (this.cache.size >= CACHED_VERSIONS) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(artifactKey, thresholds);
    return thresholds;
  }
}
