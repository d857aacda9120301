import type { TrainingJobRequestedV1 } from '@argus/contracts';
import type { ModelRegistryRepository } from '@argus/persistence';
import { GATE_REPORT_FILE, type GateReport, gateMetrics, publishModelPackage } from '@argus/registry';
import type { ObjectStore } from '@argus/storage';
import { folderPackageFiles } from '@argus/vision';
import type { CandidateRegistrar, RegisteredCandidate, TrainedCandidate } from './training-job.ports';

/** Stored with a candidate besides its model, evaluation and training log: why it may or may not be promoted. */
export const CANDIDATE_EXTRA_FILES = [GATE_REPORT_FILE] as const;

/**
 * Stores a candidate's package in the object store and registers its version, child of the job's
 * base model, with its gate figures among its metrics. The version name comes from the job
 * (see candidateVersionOf), so a redelivered job finds the version it registered before.
 */
export class PublishingCandidateRegistrar implements CandidateRegistrar {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Pick<ModelRegistryRepository, 'register'>,
  ) {}

  async register(job: TrainingJobRequestedV1, candidate: TrainedCandidate, gates: GateReport): Promise<RegisteredCandidate> {
    const { version } = await publishModelPackage(
      folderPackageFiles(candidate.packageDir),
      { store: this.store, registry: this.registry },
      { parentVersionId: job.baseModelVersionId, extraFiles: CANDIDATE_EXTRA_FILES, metrics: gateMetrics(gates) },
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
