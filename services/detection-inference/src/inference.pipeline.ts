import * as os from 'node:os';
import { Topics } from '@argus/contracts';
import type { MessageBus, MessagingLogger, RetryOptions, Subscription } from '@argus/messaging';
import type {
  AlertRepository,
  CameraAlertHistoryRepository,
  DetectionRepository,
  FrameRepository,
  LineRepository,
  ModelRegistryRepository,
  ShadowModelRepository,
} from '@argus/persistence';
import type { ObjectStore } from '@argus/storage';
import { CameraAlertHistoryCache } from './alerting/camera-alert-history.cache';
import { DEFAULT_LINE_POLICY_TTL_MS, LineAlertPolicyCache } from './alerting/line-alert-policy.cache';
import { FrameBatchCollector } from './batching/frame-batch.collector';
import { FrameBatchProcessor, type FrameToScore, type ScoredFrame } from './inference/frame-batch.processor';
import { FrameImageSource } from './inference/frame-image.source';
import { CoalescedFrameStatements } from './inference/frame-statements.coalescer';
import { FrameIngestedConsumer } from './inference/frame-ingested.consumer';
import { ProcessFrameUseCase } from './inference/process-frame.use-case';
import { ModelPackageCache } from './models/model-package.cache';
import { ModelPromotedConsumer } from './models/model-promoted.consumer';
import { ProductionModelCatalog } from './models/production-model.catalog';
import { ModelPromotionService } from '@argus/registry';
import { type RegistrationReport, ShippedModelsRegistrar } from './registry/shipped-models.registrar';
import type { DetectorRuntime } from './runtime/detector-runtime.port';
import { DetectorWorkerPool } from './runtime/detector-worker.pool';
import { planModelThreads } from './runtime/model-threads.plan';
import { WorkerDetectorRuntimeAdapter } from './runtime/worker-detector-runtime.adapter';
import { ModelShadowedConsumer } from './shadow/model-shadowed.consumer';
import { ShadowModelCatalog } from './shadow/shadow-model.catalog';
import { DEFAULT_SHADOW_SHARE, ShadowScorer } from './shadow/shadow.scorer';

/** The topics the pipeline uses; integration tests pass uniquely named copies. */
export interface PipelineTopics {
  readonly frameIngested: typeof Topics.frameIngested;
  readonly detectionsProduced: typeof Topics.detectionsProduced;
  readonly alertRaised: typeof Topics.alertRaised;
  readonly modelPromoted: typeof Topics.modelPromoted;
  readonly modelRegistered: typeof Topics.modelRegistered;
  readonly modelShadowed: typeof Topics.modelShadowed;
}

export const DEFAULT_PIPELINE_TOPICS: PipelineTopics = {
  frameIngested: Topics.frameIngested,
  detectionsProduced: Topics.detectionsProduced,
  alertRaised: Topics.alertRaised,
  modelPromoted: Topics.modelPromoted,
  modelRegistered: Topics.modelRegistered,
  modelShadowed: Topics.modelShadowed,
};

export interface InferencePipelineSettings {
  readonly batchMax: number;
  readonly batchWaitMs: number;
  readonly concurrency: number;
  /** Cameras of one partition handled at once (default 1). */
  readonly camerasPerPartition?: number;
  /** Frames of a camera scored ahead of the one being written (default 0: none). */
  readonly readAheadPerCamera?: number;
  /** Model worker threads; up to this many batches are scored at once (default 1). */
  readonly workers?: number;
  /** ONNX Runtime intra-op threads of each model worker. */
  readonly threads: number;
  /** V8's heap growing factor in percent (see WorkerDetectorRuntimeOptions); default 100. */
  readonly heapGrowingPercent?: number;
  readonly pointerTtlMs: number;
  /** How long a line's alert rules and settings are reused (default 2000 ms; 0: read per frame). */
  readonly linePolicyTtlMs?: number;
  readonly modelCacheDir: string;
  /** Shipped packages to register at start; undefined: none. */
  readonly modelsDir?: string;
  readonly instanceId: string;
  readonly groupId?: string;
  readonly retry?: RetryOptions;
  /** How often the model worker's load is logged (info; nothing while idle). 0 or undefined: never. */
  readonly statsIntervalMs?: number;
  /** The share of a shadowed line's frames its shadow scores (default DEFAULT_SHADOW_SHARE; 0: off). */
  readonly shadowShare?: number;
  /** How long a line's shadow pointer read from Postgres is trusted (default 5000 ms; events refresh it at once). */
  readonly shadowPointerTtlMs?: number;
}

/** The repositories the pipeline reads and writes through (the Nest module injects them). */
export interface InferenceRepositories {
  readonly registry: ModelRegistryRepository;
  readonly lines: LineRepository;
  readonly frames: FrameRepository;
  readonly alerts: AlertRepository;
  readonly detections: DetectionRepository;
  readonly alertHistory: CameraAlertHistoryRepository;
  readonly shadows: ShadowModelRepository;
}

export interface InferencePipelineDependencies {
  readonly bus: MessageBus;
  readonly store: ObjectStore;
  readonly repositories: InferenceRepositories;
  readonly logger: MessagingLogger;
  readonly settings: InferencePipelineSettings;
  readonly topics?: PipelineTopics;
  /** Default: the worker-thread runtime. */
  readonly runtime?: DetectorRuntime;
  /** The shadow's runtime. Default: a worker thread of its own (started on the first shadow batch); with `runtime` given, that one. */
  readonly shadowRuntime?: DetectorRuntime;
}

/**
 * detection-inference assembled from its parts (the Nest module and the integration tests build
 * it the same way): the worker-thread model runtime, the production-model catalog, the
 * micro-batch collector, the per-frame use case, the frame consumer group and this instance's
 * promotion consumer, and the shipped-model registration.
 */
export class InferencePipeline {
  readonly runtime: DetectorRuntime;
  readonly catalog: ProductionModelCatalog;
  /** The shadow models: their own runtime, so a production batch never queues behind a shadow batch. */
  readonly shadowRuntime: DetectorRuntime;
  readonly shadowCatalog: ShadowModelCatalog;
  readonly shadow: ShadowScorer;
  readonly collector: FrameBatchCollector<FrameToScore, ScoredFrame>;
  readonly useCase: ProcessFrameUseCase;
  /** The dedup window's alerts of this member's cameras, kept between partition assignments. */
  readonly alertHistory: CameraAlertHistoryCache;
  readonly promotions: ModelPromotionService;
  readonly registrar: ShippedModelsRegistrar;
  readonly topics: PipelineTopics;
  private subscriptions: Subscription[] = [];
  private statsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: InferencePipelineDependencies) {
    const { bus, store, logger, settings } = deps;
    const { registry, lines, frames, alerts: alertsRepo, detections, alertHistory, shadows } = deps.repositories;
    this.topics = deps.topics ?? DEFAULT_PIPELINE_TOPICS;
    const workers = settings.workers ?? 1;
    const packages = new ModelPackageCache(store, settings.modelCacheDir);
    this.runtime =
      deps.runtime ??
      new DetectorWorkerPool(
        Array.from(
          { length: workers },
          (_, worker) =>
            new WorkerDetectorRuntimeAdapter({
              packages,
              threads: settings.threads,
              ...(settings.heapGrowingPercent === undefined ? {} : { heapGrowingPercent: settings.heapGrowingPercent }),
              logger,
              worker,
            }),
        ),
      );
    if (!deps.runtime) {
      const plan = planModelThreads(workers, settings.threads, os.availableParallelism());
      logger[plan.level](plan.fields, plan.message);
    }
    this.catalog = new ProductionModelCatalog(registry, this.runtime, { pointerTtlMs: settings.pointerTtlMs });
    this.shadowRuntime =
      deps.shadowRuntime ??
      deps.runtime ??
      new WorkerDetectorRuntimeAdapter({
        packages,
        threads: 1,
        ...(settings.heapGrowingPercent === undefined ? {} : { heapGrowingPercent: settings.heapGrowingPercent }),
        logger,
        worker: workers, // numbered after the production workers in the log
      });
    this.shadowCatalog = new ShadowModelCatalog(shadows, this.shadowRuntime, { pointerTtlMs: settings.shadowPointerTtlMs ?? 5_000 });
    this.shadow = new ShadowScorer(this.shadowCatalog, this.shadowRuntime, shadows, {
      share: settings.shadowShare ?? DEFAULT_SHADOW_SHARE,
      batchMax: settings.batchMax,
      productionQueued: () => this.collector.pending,
      logger,
    });
    const processor = new FrameBatchProcessor(this.catalog, this.runtime, {
      afterBatch: (items, outcomes) => this.shadow.offer(items, outcomes),
    });
    this.collector = new FrameBatchCollector({
      maxSize: settings.batchMax,
      maxWaitMs: settings.batchWaitMs,
      concurrency: workers,
      process: (items) => processor.process(items),
    });
    const batched = new CoalescedFrameStatements({ detections, frames, alerts: alertsRepo, alertHistory });
    this.alertHistory = new CameraAlertHistoryCache({ alertsCapturedBetween: (...args) => batched.alertsCapturedBetween(...args) });
    this.useCase = new ProcessFrameUseCase({
      frames: {
        markProcessed: (frameId) => batched.markProcessed(frameId),
        markFailed: (frameId, reason) => frames.markFailed(frameId, reason),
      },
      detections: { listForFrame: (frameId) => batched.listForFrame(frameId), saveForFrame: (...args) => batched.saveForFrame(...args) },
      alerts: { raiseOnce: (input) => batched.raiseOnce(input), findForFrame: (frameId) => alertsRepo.findForFrame(frameId) },
      alertHistory: this.alertHistory,
      lines: new LineAlertPolicyCache(lines, { ttlMs: settings.linePolicyTtlMs ?? DEFAULT_LINE_POLICY_TTL_MS }),
      images: new FrameImageSource(store),
      scorer: this.collector,
      // Read-ahead keeps what it started for this many frames: every camera in flight, a few ahead each.
      readAheadCapacity: Math.max(16, 2 * settings.concurrency * (settings.camerasPerPartition ?? 1) * (settings.readAheadPerCamera ?? 0)),
      // One batch ahead per worker keeps the model busy (one fast camera: its next frames fill the batches).
      readAheadLimit: settings.batchMax * workers,
      bus,
      topics: { detectionsProduced: this.topics.detectionsProduced, alertRaised: this.topics.alertRaised },
    });
    this.promotions = new ModelPromotionService(registry, bus, this.topics.modelPromoted);
    this.registrar = new ShippedModelsRegistrar({
      store,
      registry,
      lines,
      promotions: this.promotions,
      bus,
      logger,
      registeredTopic: this.topics.modelRegistered,
    });
  }

  /** Topics, shipped models, then the consumers (the bus starts them when it starts). */
  async prepare(): Promise<RegistrationReport | undefined> {
    const { bus, store, settings, logger } = this.deps;
    await bus.ensureTopics(Object.values(this.topics));
    await store.ensureBucket();
    const report = settings.modelsDir === undefined ? undefined : await this.registrar.registerFolder(settings.modelsDir);
    if (this.subscriptions.length === 0) {
      const frames = new FrameIngestedConsumer(bus, this.useCase, {
        topic: this.topics.frameIngested,
        concurrency: settings.concurrency,
        ...(settings.camerasPerPartition ? { camerasPerPartition: settings.camerasPerPartition } : {}),
        ...(settings.readAheadPerCamera ? { readAheadPerCamera: settings.readAheadPerCamera } : {}),
        retry: settings.retry ?? { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 5_000 },
        // Cameras may have moved between members: the alert histories held are dropped (and kept from then on).
        onAssignment: () => this.alertHistory.reset(),
        ...(settings.groupId ? { groupId: settings.groupId } : {}),
      });
      const promotions = new ModelPromotedConsumer(
        bus,
        { onPromoted: (lineId) => this.onPromoted(lineId) },
        {
          instanceId: settings.instanceId,
          topic: this.topics.modelPromoted,
          logger,
        },
      );
      const shadowChanges = new ModelShadowedConsumer(bus, this.shadowCatalog, {
        instanceId: settings.instanceId,
        topic: this.topics.modelShadowed,
        logger,
      });
      // Promotions and shadows first: a switch is never missed between reading the pointers and consuming frames.
      this.subscriptions.push(await promotions.subscribe(), await shadowChanges.subscribe(), await frames.subscribe());
    }
    if (settings.statsIntervalMs && !this.statsTimer) {
      this.collector.takeStats(); // count from now
      this.statsTimer = setInterval(() => this.logModelLoad(), settings.statsIntervalMs);
      this.statsTimer.unref();
    }
    return report;
  }

  /**
   * A promotion: switch production, then end the line's shadow if it was the version promoted
   * (a later rollback must not bring it back as a shadow; every instance deletes alike, once
   * counts) and read the line's shadow again.
   */
  private async onPromoted(lineId: string) {
    const model = await this.catalog.onPromoted(lineId);
    await this.deps.repositories.shadows.endIfPromoted(lineId);
    await this.shadowCatalog.onChanged(lineId);
    return model;
  }

  /**
   * The model workers' load since the last line (busy: the share of the workers' time spent on
   * batches, GC pauses likewise per worker): busy near 100% with frames queued at each batch
   * start means frames arrive faster than the model scores them (add members or a GPU); busy far
   * below with small batches means the model waits for frames (Kafka, S3 or the writes). Full GCs
   * of the worker several times a second mean its heap limit is too tight
   * (ARGUS_INFER_HEAP_GROWING_PERCENT).
   */
  private logModelLoad(): void {
    const s = this.collector.takeStats();
    const gc = this.runtime.takeGcStats?.();
    const history = this.alertHistory.takeStats();
    this.logShadowLoad();
    if (s.batches === 0) return;
    // Shares of the workers' time: batch wall time and GC pauses summed over the workers.
    const workerMs = s.elapsedMs * s.concurrency;
    const busyPercent = Math.round((100 * s.busyMs) / workerMs);
    const gcPausePercent = gc ? Number(((100 * gc.pauseMs) / workerMs).toFixed(1)) : undefined;
    this.deps.logger.info(
      {
        windowMs: Math.round(s.elapsedMs),
        workers: s.concurrency,
        frames: s.items,
        batches: s.batches,
        framesPerBatch: Number((s.items / s.batches).toFixed(2)),
        modelBusyPercent: busyPercent,
        queuedAtBatchStart: Number((s.waitingAtStart / s.batches).toFixed(2)),
        ...(gc ? { workerGcPausePercent: gcPausePercent, workerFullGcs: gc.fullGcs } : {}),
        alertHistoryFromMemory: history.hits,
        alertHistoryLoads: history.loads,
      },
      `model ${s.concurrency === 1 ? 'worker' : `workers (${s.concurrency})`}: ${s.items} frames in ${s.batches} batches over ${(s.elapsedMs / 1000).toFixed(0)} s, busy ${busyPercent}%` +
        (gc ? `, GC pauses ${gcPausePercent}% (${gc.fullGcs} full)` : '') +
        `; dedup histories: ${history.hits} from memory, ${history.loads} read`,
    );
  }

  /** What the shadow scored and skipped since the last line (nothing while no frame was offered to a shadow). */
  private logShadowLoad(): void {
    const s = this.shadow.takeStats();
    if (s.offered === 0) return;
    const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0);
    this.deps.logger.info(
      { shadowOffered: s.offered, shadowScored: s.scored, shadowStored: s.stored, shadowFailed: s.failed, shadowSkipped: s.skipped },
      `shadow: ${s.scored} of ${s.offered} frames scored, ${skipped} skipped (${
        Object.entries(s.skipped)
          .filter(([, n]) => n > 0)
          .map(([reason, n]) => `${reason} ${n}`)
          .join(', ') || 'none'
      })`,
    );
  }

  /** Stops consuming (in-flight frames finish and are committed), then the model runtimes (shadow batches in flight are dropped). */
  async stop(): Promise<void> {
    clearInterval(this.statsTimer);
    this.statsTimer = undefined;
    await Promise.allSettled(this.subscriptions.map((s) => s.stop()));
    this.subscriptions = [];
    await this.runtime.close();
    if (this.shadowRuntime !== this.runtime) await this.shadowRuntime.close();
  }
}
