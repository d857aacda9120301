import { randomUUID } from 'node:crypto';
import type { SearchCancelRequestedV1, SearchRequestedV1, SearchTrainingRequestedV1 } from '@argus/contracts';
import type {
  AuditLogRepository,
  InspectionStatsRepository,
  LineRepository,
  ModelRegistryRepository,
  SearchCandidateLineageRepository,
} from '@argus/persistence';
import { CommonErrorCodes, DomainError } from '@argus/platform';
import type { SearchReader, SearchRecord } from './search-read.port';
import { pointsOf, type SearchPointView, toSearchSummary, type SearchSummaryView } from './search-view.presenter';

/** The audit actions of the searches pages. */
export const SearchAuditActions = {
  started: 'search.start-requested',
  cancelRequested: 'search.cancel-requested',
  trainingRequested: 'search.training-requested',
} as const;

/** Publishes the searches pages' requests (architecture-search acts on them). */
export interface SearchCommandPublisher {
  requestSearch(event: SearchRequestedV1): Promise<void>;
  cancelSearch(event: SearchCancelRequestedV1): Promise<void>;
  requestTraining(event: SearchTrainingRequestedV1): Promise<void>;
}

/** What POST /searches takes: the search request without what the console fills in. */
export type StartSearchCommand = Omit<SearchRequestedV1, 'eventId' | 'occurredAt' | 'searchId' | 'requestedBy' | 'base'> & {
  /** The model whose spec is the base (input channels, classes); absent: the line's production model. */
  readonly baseModelVersionId?: string | undefined;
};

/** The line's production model as the plot marks it. */
export interface ProductionMarkView {
  readonly modelVersionId: string;
  readonly name: string;
  readonly version: string;
  /** DeepPCB AP when the registry recorded it, else mAP@0.5 (what the search's AP is for other data); null when unknown. */
  readonly ap: number | null;
  readonly apMetric: string | null;
  /** ms per image: the version's recorded serving latency (metric `servingLatencyMs`), else the pipeline's p50 per frame; null: not measured. */
  readonly latencyMs: number | null;
  readonly latencySource: 'registry' | 'pipeline-p50' | null;
}

export interface SearchCandidateView {
  readonly modelVersionId: string;
  readonly trialId: string;
  readonly controller: string;
  readonly requestedBy: string;
  readonly createdAt: string;
}

export interface SearchDetailView extends SearchSummaryView {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly points: readonly SearchPointView[];
  /** The Pareto front's points, fastest first (the step line). */
  readonly front: readonly SearchPointView[];
  readonly production: ProductionMarkView | null;
  /** Candidates full training registered from this search's trials. */
  readonly candidates: readonly SearchCandidateView[];
}

export interface TrainingRequestView {
  readonly requestId: string;
  readonly searchId: string;
  readonly trialId: string;
  readonly lineId: string;
  readonly requestedBy: string;
}

/**
 * The searches pages' reads and actions. Starting, cancelling and fully training publish events
 * for architecture-search (services talk over Kafka only) and are audited; the reads come from
 * the tables architecture-search keeps.
 */
export class SearchesUseCase {
  constructor(
    private readonly deps: {
      readonly searches: SearchReader;
      readonly lines: Pick<LineRepository, 'findLine'>;
      readonly registry: Pick<ModelRegistryRepository, 'productionModelFor' | 'findVersion'>;
      readonly stats: Pick<InspectionStatsRepository, 'inferenceLatency'>;
      readonly lineage: Pick<SearchCandidateLineageRepository, 'forSearch'>;
      readonly audit: Pick<AuditLogRepository, 'append'>;
      readonly commands: SearchCommandPublisher;
      readonly now?: () => Date;
    },
  ) {}

  async list(limit: number): Promise<SearchSummaryView[]> {
    return (await this.deps.searches.list(limit)).map(toSearchSummary);
  }

  async detail(searchId: string): Promise<SearchDetailView> {
    const search = await this.requireSearch(searchId);
    const [trials, production, candidates] = await Promise.all([
      this.deps.searches.trials(searchId),
      this.productionMark(search.lineId),
      this.deps.lineage.forSearch(searchId),
    ]);
    const points = pointsOf(trials);
    return {
      ...toSearchSummary(search),
      settings: search.settings,
      points,
      front: points.filter((p) => p.onFront).sort((a, b) => a.latencyMs - b.latencyMs),
      production,
      candidates: candidates.map((c) => ({
        modelVersionId: c.modelVersionId,
        trialId: c.trialId,
        controller: c.controller,
        requestedBy: c.requestedBy,
        createdAt: c.createdAt.toISOString(),
      })),
    };
  }

  /** Publishes search.run.requested.v1; the base spec is the given model's, else the line's production model's. */
  async start(command: StartSearchCommand, by: string): Promise<{ searchId: string; lineId: string; name: string; requestedBy: string }> {
    await this.requireLine(command.lineId);
    const base = command.baseModelVersionId
      ? await this.deps.registry.findVersion(command.baseModelVersionId)
      : ((await this.deps.registry.productionModelFor(command.lineId))?.modelVersion ?? null);
    if (!base) {
      throw new DomainError(
        command.baseModelVersionId ? CommonErrorCodes.notFound : CommonErrorCodes.conflict,
        command.baseModelVersionId
          ? `model version ${command.baseModelVersionId} does not exist`
          : `line "${command.lineId}" has no production model: name a base model (baseModelVersionId)`,
      );
    }
    const { baseModelVersionId: _named, ...rest } = command;
    const searchId = randomUUID();
    await this.deps.commands.requestSearch({
      ...rest,
      eventId: randomUUID(),
      occurredAt: this.now().toISOString(),
      searchId,
      base: { spec: { ...base.spec }, modelVersionId: base.id },
      requestedBy: by,
    });
    await this.deps.audit.append({
      actor: by,
      action: SearchAuditActions.started,
      subjectType: 'architecture_search',
      subjectId: searchId,
      after: { lineId: command.lineId, name: command.name, controller: command.controller, baseModelVersionId: base.id },
    });
    return { searchId, lineId: command.lineId, name: command.name, requestedBy: by };
  }

  /** Publishes search.run.cancel-requested.v1 for a running search; one that ended answers 409. */
  async cancel(searchId: string, by: string, reason: string): Promise<SearchSummaryView> {
    const search = await this.requireSearch(searchId);
    if (search.status !== 'running') {
      throw new DomainError(CommonErrorCodes.conflict, `search ${searchId} has ended (${search.status}): nothing to cancel`, {
        status: search.status,
      });
    }
    await this.deps.commands.cancelSearch({
      eventId: randomUUID(),
      occurredAt: this.now().toISOString(),
      searchId,
      requestedBy: by,
      reason,
    });
    await this.deps.audit.append({
      actor: by,
      action: SearchAuditActions.cancelRequested,
      subjectType: 'architecture_search',
      subjectId: searchId,
      before: { status: search.status },
      after: { reason },
    });
    return toSearchSummary(search);
  }

  /**
   * Publishes search.training.requested.v1 for a measured trial (its spec at its highest rung, the
   * search's data source and line). A trial without a completed measurement answers 409.
   */
  async train(searchId: string, trialId: string, by: string, epochs: number | undefined): Promise<TrainingRequestView> {
    const search = await this.requireSearch(searchId);
    const trials = await this.deps.searches.trials(searchId);
    if (!trials.some((t) => t.trialId === trialId))
      throw new DomainError(CommonErrorCodes.notFound, `search ${searchId} has no trial ${trialId}`);
    const point = pointsOf(trials).find((p) => p.trialId === trialId);
    const trial = point && trials.find((t) => t.trialId === trialId && t.rung === point.rung);
    if (!point || !trial)
      throw new DomainError(CommonErrorCodes.conflict, `trial ${trialId} has no completed measurement yet: nothing to train`);
    const dataSource = search.settings['dataSource'];
    if (typeof dataSource !== 'string' || dataSource === '') {
      throw new DomainError(CommonErrorCodes.conflict, `search ${searchId} records no data source: its trials cannot be trained fully`);
    }
    const requestId = randomUUID();
    await this.deps.commands.requestTraining({
      eventId: randomUUID(),
      occurredAt: this.now().toISOString(),
      requestId,
      searchId,
      trialId,
      controller: trial.controller,
      spec: { ...trial.spec },
      lineId: search.lineId,
      dataSource,
      ...(epochs !== undefined ? { epochs } : {}),
      requestedBy: by,
    });
    await this.deps.audit.append({
      actor: by,
      action: SearchAuditActions.trainingRequested,
      subjectType: 'architecture_search',
      subjectId: searchId,
      after: {
        requestId,
        trialId,
        rung: point.rung,
        ap: point.ap,
        latencyMs: point.latencyMs,
        ...(epochs !== undefined ? { epochs } : {}),
      },
    });
    return { requestId, searchId, trialId, lineId: search.lineId, requestedBy: by };
  }

  private async productionMark(lineId: string): Promise<ProductionMarkView | null> {
    const production = await this.deps.registry.productionModelFor(lineId);
    if (!production) return null;
    const version = production.modelVersion;
    const deepPcbAp = version.metrics['deepPcbAp'];
    const map50 = version.metrics['map50'];
    const ap = deepPcbAp ?? map50 ?? null;
    const served = version.metrics['servingLatencyMs'];
    const pipeline = served === undefined ? await this.deps.stats.inferenceLatency(version.id) : null;
    return {
      modelVersionId: version.id,
      name: version.name,
      version: version.version,
      ap,
      apMetric: deepPcbAp !== undefined ? 'deepPcbAp' : map50 !== undefined ? 'map50' : null,
      latencyMs: served ?? pipeline?.p50 ?? null,
      latencySource: served !== undefined ? 'registry' : pipeline ? 'pipeline-p50' : null,
    };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private async requireSearch(searchId: string): Promise<SearchRecord> {
    const search = await this.deps.searches.find(searchId);
    if (!search) throw new DomainError(CommonErrorCodes.notFound, `search ${searchId} does not exist`);
    return search;
  }

  private async requireLine(lineId: string): Promise<void> {
    if (!(await this.deps.lines.findLine(lineId))) throw new DomainError(CommonErrorCodes.notFound, `line "${lineId}" does not exist`);
  }
}
