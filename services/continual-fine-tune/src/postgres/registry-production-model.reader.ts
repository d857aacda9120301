import type { ModelRegistryRepository } from '@argus/persistence';
import type { ProductionModelReader } from '../jobs/training-job-requests.ports';

/** The line's production model, from the model registry's production pointer; an adaptation's base by its id. */
export class RegistryProductionModelReader implements ProductionModelReader {
  constructor(private readonly registry: Pick<ModelRegistryRepository, 'productionModelFor' | 'findVersion'>) {}

  async productionModelFor(lineId: string) {
    const production = await this.registry.productionModelFor(lineId);
    if (!production) return null;
    const { id, artifactKey, classes } = production.modelVersion;
    return { id, artifactKey, classes };
  }

  async modelVersion(modelVersionId: string) {
    const version = await this.registry.findVersion(modelVersionId);
    if (!version) return null;
    const { id, artifactKey, classes } = version;
    return { id, artifactKey, classes };
  }
}
