import type { ModelRegistryRepository } from '@argus/persistence';
import { publishModelPackage } from '@argus/registry';
import type { ObjectStore } from '@argus/storage';
import { folderPackageFiles } from '@argus/vision';
import type { CandidatePackagePublisher, RegisteredCandidate } from './full-training.ports';

/**
 * Stores a fully trained package under the registry's artifact key and registers its version
 * (no parent: its weights start from scratch; its origin is the search lineage recorded beside it).
 * Idempotent: a package already stored is not uploaded again, the same version registers once.
 */
export class PublishingCandidatePackagePublisher implements CandidatePackagePublisher {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Pick<ModelRegistryRepository, 'register'>,
  ) {}

  async publish(packageDir: string): Promise<RegisteredCandidate> {
    const { version } = await publishModelPackage(folderPackageFiles(packageDir), { store: this.store, registry: this.registry });
    return {
      modelVersionId: version.id,
      name: version.name,
      version: version.version,
      artifactKey: version.artifactKey,
      classes: [...version.classes],
      usesTemplate: version.usesTemplate,
      metrics: { ...version.metrics },
    };
  }
}
