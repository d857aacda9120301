import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ModelRegistryRepository } from '@argus/persistence';
import { GATE_REPORT_FILE, type GateReport, gateMetrics, publishModelPackage } from '@argus/registry';
import type { ObjectStore } from '@argus/storage';
import { folderPackageFiles } from '@argus/vision';
import type { CandidatePackagePublisher, RegisteredCandidate } from './full-training.ports';

/**
 * Stores a fully trained package under the registry's artifact key, its gate report beside it, and
 * registers its version (no parent: its weights start from scratch; its origin is the search lineage
 * recorded beside it) with the gates' figures as metrics — `gatesPassed` 1/0 and the rest, as
 * continual-fine-tune records its candidates', so the promotion rules treat both alike.
 * Idempotent: a package already stored is not uploaded again, the same version registers once.
 */
export class PublishingCandidatePackagePublisher implements CandidatePackagePublisher {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Pick<ModelRegistryRepository, 'register'>,
  ) {}

  async publish(packageDir: string, gates: GateReport): Promise<RegisteredCandidate> {
    await writeFile(path.join(packageDir, GATE_REPORT_FILE), JSON.stringify(gates, null, 1));
    const { version } = await publishModelPackage(
      folderPackageFiles(packageDir),
      { store: this.store, registry: this.registry },
      { extraFiles: [GATE_REPORT_FILE], metrics: gateMetrics(gates) },
    );
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
