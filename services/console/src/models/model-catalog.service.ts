import type { InspectionStatsRepository, ModelRegistryRepository } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { compareModels, type ModelComparison } from './model-comparison.builder';
import { type ModelDetail, type ModelSummary, toModelDetail, toModelSummary } from './model.presenter';

/** The model pages' reads: versions with where they run, one version in full, two side by side. */
export class ModelCatalogService {
  constructor(
    private readonly registry: Pick<ModelRegistryRepository, 'listVersions' | 'productionPointers' | 'findVersionDetails' | 'findVersion'>,
    private readonly stats: Pick<InspectionStatsRepository, 'inferenceLatency'>,
  ) {}

  async list(name?: string): Promise<ModelSummary[]> {
    const [versions, pointers] = await Promise.all([
      this.registry.listVersions({ ...(name !== undefined ? { name } : {}), limit: 500 }),
      this.registry.productionPointers(),
    ]);
    return versions.map((v) => toModelSummary(v, pointers.filter((p) => p.modelVersionId === v.id).map((p) => p.lineId)));
  }

  async detail(modelVersionId: string): Promise<ModelDetail> {
    const [version] = await this.registry.findVersionDetails([modelVersionId]);
    if (!version) throw new DomainError(CommonErrorCodes.notFound, `model version "${modelVersionId}" does not exist`);
    const [pointers, parent, latency] = await Promise.all([
      this.registry.productionPointers(),
      version.parentVersionId ? this.registry.findVersion(version.parentVersionId) : Promise.resolve(null),
      this.stats.inferenceLatency(version.id),
    ]);
    return toModelDetail(version, {
      productionOn: pointers.filter((p) => p.modelVersionId === version.id).map((p) => p.lineId),
      parent,
      latency,
    });
  }

  async compare(a: string, b: string): Promise<ModelComparison> {
    const [left, right] = await Promise.all([this.detail(a), this.detail(b)]);
    return compareModels(left, right);
  }
}
