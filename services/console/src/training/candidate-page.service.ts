import type { DatasetVersionRepository, ModelRegistryRepository, TrainingJobRepository } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { needsGateOverride } from '@argus/registry';
import { ObjectNotFoundError, type ObjectStore } from '@argus/storage';
import { z } from 'zod';
import { type DatasetVersionView, toDatasetVersionView, toTrainingJobView, type TrainingJobView } from './training-job.presenter';

export interface GateCheckView {
  readonly kind: string;
  readonly passed: boolean;
  readonly detail: string;
  readonly measured: number | null;
  readonly limit: number | null;
}

export interface CandidateView {
  readonly version: {
    id: string;
    name: string;
    version: string;
    artifactKey: string;
    classes: string[];
    parentVersionId: string | null;
    metrics: Record<string, number>;
    createdAt: string;
  };
  /** The version's `gatesPassed` metric; null for a version the loop did not gate. */
  readonly gatesPassed: boolean | null;
  /** `gate-report.json` from the candidate's package; null when the package has none. */
  readonly gateReport: { passed: boolean; reasons: string[]; checks: GateCheckView[] } | null;
  /** Promotion of a candidate that failed its gates needs an admin's override with its reason. */
  readonly promotion: { needsAdminOverride: boolean };
  /** The job that made it and the data set version it trained on (null for a version made elsewhere). */
  readonly job: TrainingJobView | null;
  readonly dataset: DatasetVersionView | null;
  /** Shadow scoring against production: not run yet for any candidate in this version of the console. */
  readonly shadow: { state: 'none'; message: string };
}

// What the page reads of the gate report continual-fine-tune stores with the candidate.
const GateReportSchema = z.object({
  passed: z.boolean(),
  reasons: z.array(z.string()).catch([]),
  checks: z
    .array(
      z.object({
        kind: z.string(),
        passed: z.boolean(),
        detail: z.string().catch(''),
        measured: z.number().nullable().catch(null),
        limit: z.number().nullable().catch(null),
      }),
    )
    .catch([]),
});

/**
 * A candidate's page: its version, its gates (the report in its package and the metric), the job
 * that made it with the data set version it trained on, and its shadow section.
 */
export class CandidatePageService {
  constructor(
    private readonly registry: Pick<ModelRegistryRepository, 'findVersion'>,
    private readonly jobs: Pick<TrainingJobRepository, 'findByCandidate'>,
    private readonly datasets: Pick<DatasetVersionRepository, 'find'>,
    private readonly store: Pick<ObjectStore, 'get'>,
  ) {}

  async candidate(modelVersionId: string): Promise<CandidateView> {
    const version = await this.registry.findVersion(modelVersionId);
    if (!version) throw new DomainError(CommonErrorCodes.notFound, `model version ${modelVersionId} does not exist`);
    const [job, gateReport] = await Promise.all([this.jobs.findByCandidate(modelVersionId), this.gateReport(version.artifactKey)]);
    const dataset = job ? await this.datasets.find(job.datasetVersionId) : null;
    const gatesMetric = version.metrics['gatesPassed'];
    return {
      version: {
        id: version.id,
        name: version.name,
        version: version.version,
        artifactKey: version.artifactKey,
        classes: [...version.classes],
        parentVersionId: version.parentVersionId,
        metrics: { ...version.metrics },
        createdAt: version.createdAt.toISOString(),
      },
      gatesPassed: gatesMetric === undefined ? null : gatesMetric === 1,
      gateReport,
      promotion: { needsAdminOverride: needsGateOverride(version) },
      job: job ? toTrainingJobView(job) : null,
      dataset: dataset ? toDatasetVersionView(dataset) : null,
      shadow: { state: 'none', message: 'no shadow run yet' },
    };
  }

  private async gateReport(artifactKey: string): Promise<CandidateView['gateReport']> {
    let bytes: Buffer;
    try {
      bytes = await this.store.get(`${artifactKey}/gate-report.json`);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return null;
    }
    const parsed = GateReportSchema.safeParse(json);
    return parsed.success ? parsed.data : null;
  }
}
