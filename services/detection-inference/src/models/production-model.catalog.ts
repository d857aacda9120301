import type { ModelVersion, ProductionModel } from '@argus/persistence';
import type { DetectorRuntime, RuntimeModel } from '../runtime/detector-runtime.port';

/** Where the per-line production pointer is read (ModelRegistryRepository in the service). */
export interface ProductionPointerSource {
  productionModelFor(lineId: string): Promise<ProductionModel | null>;
}

export type CatalogModel = RuntimeModel & Pick<ModelVersion, 'usesTemplate' | 'classes'>;

export interface ProductionModelCatalogOptions {
  /** How long a pointer read from Postgres is trusted (promotion events refresh it at once). */
  readonly pointerTtlMs: number;
  readonly now?: () => number;
}

interface CachedPointer {
  readonly model: CatalogModel | null;
  readonly readAt: number;
}

/**
 * Which model version each line runs, and hot swap. The batch processor asks `modelFor(line)` once
 * per batch and uses that answer for the whole batch: a switch therefore happens BETWEEN batches,
 * and the version that scored a frame is the one written with its detections.
 *
 * The pointer comes from Postgres (the registry is the truth), read at each batch start unless a
 * `pointerTtlMs` > 0 lets it be cached (default 0: exact — every batch that starts after a
 * promotion committed uses the new version; the cost is one indexed read per line per batch).
 * A `model.version.promoted.v1` event (every instance consumes every promotion, see
 * ModelPromotedConsumer) calls `onPromoted`: the new version is downloaded and loaded into the
 * worker right away, so the batch that switches does not wait for the load (and with a TTL, the
 * pointer moves when the load is done; frames keep flowing on the old version meanwhile). Versions
 * no line uses any more are unloaded at the next batch start, unless a batch still running uses
 * them (the batch processor says which).
 */
export class ProductionModelCatalog {
  private readonly pointers = new Map<string, CachedPointer>();
  /** Versions being loaded before their pointer is cached: not unused. */
  private readonly loading = new Set<string>();
  private readonly now: () => number;

  constructor(
    private readonly source: ProductionPointerSource,
    private readonly runtime: DetectorRuntime,
    private readonly options: ProductionModelCatalogOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The line's production model (loaded in the runtime), or null when the line has none. */
  async modelFor(lineId: string): Promise<CatalogModel | null> {
    const cached = this.pointers.get(lineId);
    if (cached && this.now() - cached.readAt < this.options.pointerTtlMs) return cached.model;
    return this.refresh(lineId);
  }

  /** A promotion or rollback was committed for the line: preload its new version, then switch. */
  onPromoted(lineId: string): Promise<CatalogModel | null> {
    return this.refresh(lineId);
  }

  /**
   * Unloads versions that no cached line pointer references, except `busy` ones (those a running
   * batch scores with). Call at a batch start.
   */
  async releaseUnused(busy: ReadonlySet<string> = new Set()): Promise<string[]> {
    const inUse = new Set([...this.pointers.values()].flatMap((p) => (p.model ? [p.model.id] : [])));
    for (const id of this.loading) inUse.add(id);
    for (const id of busy) inUse.add(id);
    const unused = this.runtime.loadedModelIds().filter((id) => !inUse.has(id));
    for (const id of unused) await this.runtime.unload(id);
    return unused;
  }

  private async refresh(lineId: string): Promise<CatalogModel | null> {
    const model = await this.readPointer(lineId);
    if (model) {
      this.loading.add(model.id);
      try {
        await this.runtime.load(model);
      } finally {
        this.loading.delete(model.id);
      }
    }
    this.pointers.set(lineId, { model, readAt: this.now() });
    return model;
  }

  private async readPointer(lineId: string): Promise<CatalogModel | null> {
    const pointer = await this.source.productionModelFor(lineId);
    if (!pointer) return null;
    const v = pointer.modelVersion;
    return { id: v.id, name: v.name, version: v.version, artifactKey: v.artifactKey, usesTemplate: v.usesTemplate, classes: v.classes };
  }
}
