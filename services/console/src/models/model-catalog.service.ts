import type { InspectionStatsRepository, ModelRegistryRepository, Promotion } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { compareModels, type ModelComparison } from './model-comparison.builder';
import { type ModelDetail, type ModelSummary, toModelDetail, toModelSummary } from './model.presenter';
import type { TrainingRecordReader } from './training-record.reader';
import { presentPromotion, type PromotionView, type VersionRef } from '../promotions/line-promotions.service';

/** One promotion or rollback that put the version into, or took it out of, production on a line. */
export type VersionPromotionView = PromotionView & { readonly lineId: string };

/** The model pages' reads: versions with where they run, one version in full, two side by side. */
export class ModelCatalogService {
  constructor(
    private readonly registry: Pick<
      ModelRegistryRepository,
      'listVersions' | 'productionPointers' | 'findVersionDetails' | 'findVersion' | 'promotionsOfVersion'
    >,
    private readonly stats: Pick<InspectionStatsRepository, 'inferenceLatency'>,
    private readonly trainingRecords: Pick<TrainingRecordReader, 'read'>,
  ) {}

  async list(name?: string): Promise<ModelSummary[]> {
    const [versions, pointers] = await Promise.all([
      this.registry.listVersions({ ...(name !== undefined ? { name } : {}), limit: 500 }),
      this.registry.productionPointers(),
    ]);
    return versions.map((v) => toModelSummary(v, pointers.filter((p) => p.modelVersionId === v.id).map((p) => p.lineId)));
  }

  /** One version in full, with how it was trained (read from its package). */
  async detail(modelVersionId: string): Promise<ModelDetail> {
    return this.load(modelVersionId, { withTraining: true });
  }

  async compare(a: string, b: string): Promise<ModelComparison> {
    const [left, right] = await Promise.all([this.load(a, { withTraining: false }), this.load(b, { withTraining: false })]);
    return compareModels(left, right);
  }

  /** Every promotion and rollback to or from the version, on any line, newest first. */
  async promotions(modelVersionId: string): Promise<VersionPromotionView[]> {
    if (!(await this.registry.findVersion(modelVersionId))) throw notFound(modelVersionId);
    const history = await this.registry.promotionsOfVersion(modelVersionId, { limit: 500 });
    const refs = new Map<string, VersionRef>();
    for (const id of new Set(history.flatMap((p) => [p.toVersionId, ...(p.fromVersionId ? [p.fromVersionId] : [])]))) {
      const v = await this.registry.findVersion(id);
      refs.set(id, v ? { id: v.id, name: v.name, version: v.version } : { id, name: '(unknown)', version: '' });
    }
    return history.map((p) => toPromotionView(p, refs));
  }

  private async load(modelVersionId: string, options: { withTraining: boolean }): Promise<ModelDetail> {
    const [version] = await this.registry.findVersionDetails([modelVersionId]);
    if (!version) throw notFound(modelVersionId);
    const [pointers, parent, latency, training] = await Promise.all([
      this.registry.productionPointers(),
      version.parentVersionId ? this.registry.findVersion(version.parentVersionId) : Promise.resolve(null),
      this.stats.inferenceLatency(version.id),
      options.withTraining ? this.trainingRecords.read(version.artifactKey) : Promise.resolve(null),
    ]);
    return toModelDetail(version, {
      productionOn: pointers.filter((p) => p.modelVersionId === version.id).map((p) => p.lineId),
      parent,
      latency,
      training,
    });
  }
}

function notFound(modelVersionId: string): DomainError {
  return new DomainError(CommonErrorCodes.notFound, `model version "${modelVersionId}" does not exist`);
}

function toPromotionView(p: Promotion, refs: Map<string, VersionRef>): VersionPromotionView {
  return { ...presentPromotion(p, refs), lineId: p.lineId };
}
