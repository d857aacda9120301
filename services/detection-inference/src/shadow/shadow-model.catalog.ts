import type { ShadowModelVersion } from '@argus/persistence';
import type { CatalogModel } from '../models/production-model.catalog';
import type { DetectorRuntime } from '../runtime/detector-runtime.port';

/** Where the per-line shadow pointer is read (ShadowModelRepository in the service). */
export interface ShadowPointerSource {
  shadowModelFor(lineId: string): Promise<ShadowModelVersion | null>;
}

export interface ShadowModelCatalogOptions {
  /** How long a line's shadow pointer read from Postgres is trusted (shadow and promotion events refresh it at once). */
  readonly pointerTtlMs: number;
  readonly now?: () => number;
}

/**
 * Which version shadows each line, loaded in the shadow's own runtime. Read from Postgres (a
 * promoted shadow reads as none) and cached for `pointerTtlMs`, since every production batch asks;
 * `model.version.shadowed.v1` and `model.version.promoted.v1` refresh a line at once, preloading a
 * new shadow so its first batch does not wait for the download. Versions no line shadows any more
 * are unloaded between shadow batches (`releaseUnused`).
 */
export class ShadowModelCatalog {
  private readonly pointers = new Map<string, { model: CatalogModel | null; readAt: number }>();
  private readonly now: () => number;

  constructor(
    private readonly source: ShadowPointerSource,
    private readonly runtime: Pick<DetectorRuntime, 'load' | 'unload' | 'loadedModelIds'>,
    private readonly options: ShadowModelCatalogOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async shadowFor(lineId: string): Promise<CatalogModel | null> {
    const cached = this.pointers.get(lineId);
    if (cached && this.now() - cached.readAt < this.options.pointerTtlMs) return cached.model;
    return this.refresh(lineId, { preload: false });
  }

  /** The line's shadow moved (or its production did): read it again and preload the new version. */
  onChanged(lineId: string): Promise<CatalogModel | null> {
    return this.refresh(lineId, { preload: true });
  }

  /** Unloads versions no cached line shadows; call between shadow batches. */
  async releaseUnused(): Promise<string[]> {
    const inUse = new Set([...this.pointers.values()].flatMap((p) => (p.model ? [p.model.id] : [])));
    const unused = this.runtime.loadedModelIds().filter((id) => !inUse.has(id));
    for (const id of unused) await this.runtime.unload(id);
    return unused;
  }

  private async refresh(lineId: string, options: { preload: boolean }): Promise<CatalogModel | null> {
    const pointer = await this.source.shadowModelFor(lineId);
    const model: CatalogModel | null = pointer
      ? {
          id: pointer.id,
          name: pointer.name,
          version: pointer.version,
          artifactKey: pointer.artifactKey,
          usesTemplate: pointer.usesTemplate,
          classes: pointer.classes,
        }
      : null;
    if (model && options.preload) await this.runtime.load(model);
    this.pointers.set(lineId, { model, readAt: this.now() });
    return model;
  }
}
