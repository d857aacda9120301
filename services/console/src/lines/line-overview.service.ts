import type { LineRepository, ModelRegistryRepository } from '@argus/persistence';

export interface ProductionView {
  readonly modelVersionId: string;
  readonly name: string;
  readonly version: string;
  readonly promotedAt: string;
}

export interface LineView {
  readonly id: string;
  readonly name: string;
  readonly cameras: { readonly id: string; readonly name: string }[];
  readonly hasTemplate: boolean;
  readonly production: ProductionView | null;
}

/** Lines with their cameras, golden template and production model (queue filters, promotion page). */
export class LineOverviewService {
  constructor(
    private readonly lines: Pick<LineRepository, 'listLines' | 'findLineWithCameras'>,
    private readonly registry: Pick<ModelRegistryRepository, 'productionModelFor'>,
  ) {}

  async list(): Promise<LineView[]> {
    const views: LineView[] = [];
    for (const line of await this.lines.listLines()) {
      const [full, production] = await Promise.all([this.lines.findLineWithCameras(line.id), this.registry.productionModelFor(line.id)]);
      views.push({
        id: line.id,
        name: line.name,
        cameras: (full?.cameras ?? []).map((c) => ({ id: c.id, name: c.name })),
        hasTemplate: full?.template != null,
        production: production
          ? {
              modelVersionId: production.modelVersion.id,
              name: production.modelVersion.name,
              version: production.modelVersion.version,
              promotedAt: production.promotedAt.toISOString(),
            }
          : null,
      });
    }
    return views;
  }
}
