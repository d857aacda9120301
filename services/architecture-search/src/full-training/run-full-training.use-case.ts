import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { type SearchTrainingRequestedV1, Topics } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import type { ArchitectureSearchRepository, ModelRegistryRepository, SearchCandidateLineageRepository } from '@argus/persistence';
import type { Logger } from '@argus/platform';
import {
  evaluateRetentionAndLatencyGates,
  type GateReport,
  gatesWithoutProductionModel,
  type RetentionAndLatencyPolicy,
} from '@argus/registry';
import { checkSpec, parseTrainingDataSource } from '@argus/vision';
import { InvalidSearchDataSourceError, InvalidTrialSpecError, UnknownSearchTrialError } from './full-training.errors';
import type {
  CandidatePackagePublisher,
  FullTrainingJob,
  RegisteredCandidate,
  CandidateMeasurer,
  SpecTrainer,
} from './full-training.ports';

export interface RunFullTrainingDependencies {
  readonly trainer: SpecTrainer;
  readonly measurer: CandidateMeasurer;
  readonly publisher: CandidatePackagePublisher;
  readonly lineage: Pick<SearchCandidateLineageRepository, 'record' | 'ofRequest'>;
  /** The searches architecture-search keeps: a request must name one of their measured trials. */
  readonly searches: Pick<ArchitectureSearchRepository, 'find' | 'trials'>;
  readonly registry: Pick<ModelRegistryRepository, 'findVersion' | 'productionModelFor'>;
  readonly bus: Pick<MessageBus, 'publish'>;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  readonly clock?: () => Date;
}

export interface RunFullTrainingSettings {
  /** The limits a fully trained candidate is gated by (retention and latency against the line's production model). */
  readonly gatePolicy: RetentionAndLatencyPolicy;
  /** Epochs when the request names none. */
  readonly defaultEpochs: number;
  /** Local folder of the requests' run folders. */
  readonly workRoot: string;
  /** True once the process shuts down: a training in progress stops and is left for redelivery. */
  readonly shouldStop?: () => boolean;
  /**
   * A progress line at least this often: the trainer writes its own every few seconds while it
   * trains, but loading and decoding the data, choosing the NMS threshold and packaging are quiet
   * phases, so a "still running" line fills any gap this long.
   */
  readonly progressEveryMs?: number;
}

/**
 * One full-training request, start to end: check the trial's spec and the data source (a request
 * that can never train is refused with a FullTrainingError, which the consumer dead-letters), train
 * the spec into a package, gate it against the line's production model (retention and latency, as
 * every candidate is gated; the report goes beside the package), store and register it as a
 * candidate with `gatesPassed` among its metrics, record its search lineage, and announce it on
 * model.version.registered.v1 — from there the console's compare/shadow/promote flow takes it like
 * any other candidate: one that failed its gates is promoted only with an admin's override.
 *
 * Redelivery: the version is named after the request and registering is idempotent, so a request
 * handled twice registers one version. Lineage is recorded before the announcement, and a request
 * whose lineage is already stored is only announced again, with the same event id (consumers
 * de-duplicate by it), so a crash between the two loses nothing and trains nothing twice.
 */
export class RunFullTrainingUseCase {
  constructor(
    private readonly deps: RunFullTrainingDependencies,
    private readonly settings: RunFullTrainingSettings,
  ) {}

  async execute(request: SearchTrainingRequestedV1): Promise<RegisteredCandidate> {
    const job = this.jobOf(request);
    const context = { requestId: request.requestId, searchId: request.searchId, trialId: request.trialId };
    const log = (line: string) => this.deps.logger.info(context, line);

    await this.requireMeasuredTrial(request);
    const done = await this.deps.lineage.ofRequest(request.requestId);
    if (done) {
      const version = await this.deps.registry.findVersion(done.modelVersionId);
      if (version) {
        log(`already registered as ${version.name}@${version.version}: announcing it again`);
        const candidate: RegisteredCandidate = { ...version, modelVersionId: version.id };
        await this.announce(request, candidate);
        return candidate;
      }
      this.deps.logger.warn(context, `lineage names model version ${done.modelVersionId}, which is gone: training again`);
    }

    const runDir = path.join(this.settings.workRoot, request.requestId);
    log(
      `full training of trial ${request.trialId} (${request.controller}) of search ${request.searchId} for line ${request.lineId}: ` +
        `${job.epochs} epoch(s) on ${request.dataSource}, as ${job.name}@${job.version}`,
    );
    const started = Date.now();
    let lastLineAt = started;
    let lastLine = 'starting';
    const trainerLog = (line: string) => {
      lastLineAt = Date.now();
      lastLine = line;
      log(line);
    };
    const everyMs = this.settings.progressEveryMs ?? 10_000;
    const heartbeat = setInterval(
      () => {
        if (Date.now() - lastLineAt < everyMs) return;
        lastLineAt = Date.now();
        log(`still running after ${Math.round((Date.now() - started) / 1000)} s (last: ${lastLine.slice(0, 200)})`);
      },
      Math.max(50, Math.floor(everyMs / 2)),
    );
    let trained;
    let gates: GateReport;
    try {
      trained = await this.deps.trainer.train(job, runDir, trainerLog, this.settings.shouldStop ?? (() => false));
      // Gated against production as it is now: the pointer may have moved since the search started.
      const production = await this.deps.registry.productionModelFor(request.lineId);
      trainerLog(
        production
          ? `gating against line ${request.lineId}'s production model ${production.modelVersion.name}@${production.modelVersion.version}`
          : `line ${request.lineId} has no production model: the gates fail, saying so (promotion needs an admin's override)`,
      );
      gates = production
        ? evaluateRetentionAndLatencyGates(
            await this.deps.measurer.measure(job, trained, production.modelVersion, trainerLog),
            this.settings.gatePolicy,
          )
        : gatesWithoutProductionModel(request.lineId, this.settings.gatePolicy);
    } finally {
      clearInterval(heartbeat);
    }
    // The service log says why a candidate cannot be promoted, where the person on call reads first.
    this.deps.logger.info(
      { ...context, gatesPassed: gates.passed, gateReasons: gates.reasons },
      gates.passed ? 'candidate passed its gates' : `candidate failed its gates: ${gates.reasons.join('; ')}`,
    );
    const candidate = await this.deps.publisher.publish(trained.packageDir, gates);
    await this.deps.lineage.record({
      modelVersionId: candidate.modelVersionId,
      requestId: request.requestId,
      searchId: request.searchId,
      trialId: request.trialId,
      controller: request.controller,
      lineId: request.lineId,
      requestedBy: request.requestedBy,
    });
    await this.announce(request, candidate);
    log(`registered candidate ${candidate.name}@${candidate.version} (${candidate.modelVersionId})`);
    await rm(runDir, { recursive: true, force: true });
    return candidate;
  }

  private async requireMeasuredTrial(request: SearchTrainingRequestedV1): Promise<void> {
    const search = await this.deps.searches.find(request.searchId);
    if (!search) throw new UnknownSearchTrialError(request.searchId, request.trialId, 'no such search here');
    const trials = await this.deps.searches.trials(request.searchId);
    if (!trials.some((t) => t.trialId === request.trialId && t.status === 'completed')) {
      throw new UnknownSearchTrialError(request.searchId, request.trialId, 'no completed measurement of this trial in the search');
    }
  }

  private jobOf(request: SearchTrainingRequestedV1): FullTrainingJob {
    const checked = checkSpec(request.spec);
    if (!checked.success) throw new InvalidTrialSpecError(request.trialId, checked.issues);
    try {
      parseTrainingDataSource(request.dataSource);
    } catch (error) {
      throw new InvalidSearchDataSourceError(request.dataSource, error instanceof Error ? error.message : String(error));
    }
    return {
      request,
      spec: checked.spec,
      epochs: request.epochs ?? this.settings.defaultEpochs,
      name: checked.spec.name,
      version: fullTrainingVersionOf(request),
    };
  }

  private async announce(request: SearchTrainingRequestedV1, candidate: RegisteredCandidate): Promise<void> {
    await this.deps.bus.publish(Topics.modelRegistered, {
      eventId: stableEventId(request.requestId),
      occurredAt: (this.deps.clock?.() ?? new Date()).toISOString(),
      modelVersionId: candidate.modelVersionId,
      name: candidate.name,
      version: candidate.version,
      artifactKey: candidate.artifactKey,
      classes: [...candidate.classes],
      usesTemplate: candidate.usesTemplate,
      metrics: { ...candidate.metrics },
      parentVersionId: null,
      registeredBy: `architecture-search search ${request.searchId} trial ${request.trialId}`.slice(0, 128),
    });
  }
}

/** One request, one version: `nas-<request id>`. */
export function fullTrainingVersionOf(request: Pick<SearchTrainingRequestedV1, 'requestId'>): string {
  return `nas-${request.requestId}`;
}

/** The same UUID for the same request (a re-announcement is recognisably the same event). */
export function stableEventId(requestId: string): string {
  const hex = createHash('sha256').update(`search-training-registered:${requestId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
