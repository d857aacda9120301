import type { DatasetVersionRepository, ModelRegistryRepository, ShadowStatsQuery, TrainingJobRepository } from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import { type MatchCounts, needsGateOverride, shadowAgreement } from '@argus/registry';
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
  readonly shadow: CandidateShadowView;
}

/**
 * The candidate as its line's shadow: `none` (it never shadowed the line: not passed, not yet, or
 * no line known), `running` (the line's shadow now) or `ended`; with the frames it scored and, when
 * it scored any, its agreement with production and both against the operators' ground truth
 * (`shadowAgreement` in @argus/registry, at the line's alert thresholds).
 */
export interface CandidateShadowView {
  readonly state: 'none' | 'running' | 'ended';
  readonly message: string;
  readonly lineId: string | null;
  readonly framesScored: number;
  readonly firstScoredAt: string | null;
  readonly lastScoredAt: string | null;
  readonly agreement: {
    frames: number;
    reviewedFrames: number;
    shadowVsProduction: MatchCounts;
    productionVsTruth: MatchCounts;
    shadowVsTruth: MatchCounts;
  } | null;
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
    private readonly shadows: Pick<ShadowStatsQuery, 'versionsOf' | 'comparison'>,
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
      shadow: await this.shadow(job?.lineId ?? null, version.id),
    };
  }

  private async shadow(lineId: string | null, modelVersionId: string): Promise<CandidateShadowView> {
    const none: CandidateShadowView = {
      state: 'none',
      message: 'no shadow run yet',
      lineId,
      framesScored: 0,
      firstScoredAt: null,
      lastScoredAt: null,
      agreement: null,
    };
    if (lineId === null) return none;
    const run = (await this.shadows.versionsOf(lineId)).find((v) => v.modelVersionId === modelVersionId);
    if (!run) return none;
    const comparison = run.framesScored > 0 ? await this.shadows.comparison(lineId, modelVersionId) : null;
    const agreement = comparison ? shadowAgreement(comparison.frames, comparison.thresholds) : null;
    return {
      state: run.current ? 'running' : 'ended',
      message: run.current
        ? `shadowing ${lineId}: ${run.framesScored} frames scored so far`
        : `shadowed ${lineId}: ${run.framesScored} frames scored`,
      lineId,
      framesScored: run.framesScored,
      firstScoredAt: run.firstScoredAt?.toISOString() ?? null,
      lastScoredAt: run.lastScoredAt?.toISOString() ?? null,
      agreement: agreement
        ? {
            frames: agreement.frames,
            reviewedFrames: agreement.reviewedFrames,
            shadowVsProduction: agreement.shadowVsProduction,
            productionVsTruth: agreement.productionVsTruth,
            shadowVsTruth: agreement.shadowVsTruth,
          }
        : null,
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
