import type { ModelRegistryRepository } from '@argus/persistence';
import type { ProductionModelReader } from '../jobs/training-job-requests.ports';

/** The line's production model, from the model registry's production pointer. */
export class RegistryProductionModelReader implements ProductionModelReader {
  constructor(private readonly registry: Pick<ModelRegistryRepository, 'productionModelFor'>) {}

  async productionModelFor(lineId: string) {
    const production = await this.registry.productionModelFor(lineId);
    if (!production) return null;
    const { id, artifactKey, classes } = production.modelVersion;
    return { id, artifactKey, classes };
  }
}
