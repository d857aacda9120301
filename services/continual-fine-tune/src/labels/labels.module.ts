import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import {
  DatasetVersionRepository,
  FrameLabelRepository,
  LineLearningPolicyRepository,
  LineLearningStateQuery,
  ModelRegistryRepository,
  repositoryProviders,
  ShadowModelRepository,
  ShadowStatsQuery,
  TrainingJobRepository,
} from '@argus/persistence';
import { LOGGER, type Logger, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { ModelPromotionService } from '@argus/registry';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import type { ContinualFineTuneEnv } from '../config';
import { startConsumer } from '../consumer.startup';
import { DatasetVersioner } from '../datasets/dataset-versioner';
import { ManualTriggerHandler, subscribeManualTriggers } from '../jobs/manual-trigger.consumer';
import { RequestTrainingJobUseCase } from '../jobs/request-training-job.use-case';
import { PostgresDatasetVersionStore } from '../postgres/postgres-dataset-version.store';
import { PostgresLabelStore } from '../postgres/postgres-label.store';
import { PostgresLineLearningStateReader } from '../postgres/postgres-line-learning-state.reader';
import { PostgresTrainingJobRequests } from '../postgres/postgres-training-job.requests';
import { AutoPromoteShadowsUseCase } from '../promotion/auto-promote-shadows.use-case';
import { RegistryProductionModelReader } from '../postgres/registry-production-model.reader';
import { EvaluateLineTriggersUseCase } from '../triggers/evaluate-line-triggers.use-case';
import { mergeLineTriggerPolicy } from '../triggers/line-trigger-policy';
import { DEFAULT_TRIGGER_POLICY, type TriggerPolicy } from '../triggers/trigger-policy';
import { RecordReviewLabelUseCase } from './record-review-label.use-case';
import { subscribeReviewLabels } from './review-submitted.consumer';

const LABELS_STARTUP = Symbol('LABELS_STARTUP');
const TRIGGER_TIMER = Symbol('TRIGGER_TIMER');
const MANUAL_TRIGGERS_STARTUP = Symbol('MANUAL_TRIGGERS_STARTUP');

/** The trigger policy every line follows: the service defaults with this deployment's settings. */
export function triggerPolicyOf(config: ContinualFineTuneEnv): TriggerPolicy {
  return {
    ...DEFAULT_TRIGGER_POLICY,
    minNewLabelledFrames: config.ARGUS_FINETUNE_MIN_NEW_LABELS === 0 ? null : config.ARGUS_FINETUNE_MIN_NEW_LABELS,
    unknownClass:
      config.ARGUS_FINETUNE_UNKNOWN_CLASS_MIN_FRAMES === 0 ? null : { minFrames: config.ARGUS_FINETUNE_UNKNOWN_CLASS_MIN_FRAMES },
    everyMs: config.ARGUS_FINETUNE_SCHEDULE_HOURS === 0 ? null : config.ARGUS_FINETUNE_SCHEDULE_HOURS * 3_600_000,
  };
}

/**
 * Reviews become labels, labels trigger jobs: the `inspection.review.submitted.v1` consumer
 * (RecordReviewLabelUseCase, with the line's triggers evaluated after each label), the manual
 * triggers' consumer (`training.job.trigger-requested.v1`, answered on
 * `training.job.trigger-answered.v1`) and a timer that
 * evaluates every line (its own policy over the service's), announces the jobs a crash left
 * unannounced and auto-promotes the shadows of the lines that turned auto-promotion on. `imports` must export
 * MESSAGE_BUS, OBJECT_STORE and DATABASE.
 *
 * Start-up (in the background, retried until Kafka answers): the topics this feature reads and
 * writes, the subscription, bus start. Shutdown: the timer stops, then the consumer (an in-flight
 * review finishes and is committed).
 */
@Module({})
export class LabelsModule {
  static register(config: ContinualFineTuneEnv, imports: DynamicModule[]): DynamicModule {
    const policy = triggerPolicyOf(config);
    return {
      module: LabelsModule,
      imports,
      providers: [
        ...repositoryProviders(
          FrameLabelRepository,
          DatasetVersionRepository,
          TrainingJobRepository,
          LineLearningStateQuery,
          ModelRegistryRepository,
          LineLearningPolicyRepository,
          ShadowModelRepository,
          ShadowStatsQuery,
        ),
        {
          provide: PostgresLabelStore,
          inject: [FrameLabelRepository],
          useFactory: (labels: FrameLabelRepository) => new PostgresLabelStore(labels),
        },
        {
          provide: DatasetVersioner,
          inject: [DatasetVersionRepository, PostgresLabelStore, OBJECT_STORE],
          useFactory: (versions: DatasetVersionRepository, labels: PostgresLabelStore, store: ObjectStore) =>
            new DatasetVersioner(new PostgresDatasetVersionStore(versions), labels, store, {
              holdoutShare: config.ARGUS_FINETUNE_HOLDOUT_SHARE,
            }),
        },
        {
          provide: RequestTrainingJobUseCase,
          inject: [ModelRegistryRepository, DatasetVersioner, TrainingJobRepository, MESSAGE_BUS],
          useFactory: (registry: ModelRegistryRepository, datasets: DatasetVersioner, jobs: TrainingJobRepository, bus: MessageBus) =>
            new RequestTrainingJobUseCase(
              new RegistryProductionModelReader(registry),
              datasets,
              new PostgresTrainingJobRequests(jobs),
              bus,
              {
                epochs: config.ARGUS_FINETUNE_EPOCHS,
                seed: config.ARGUS_FINETUNE_SEED,
                announceAfterMs: config.ARGUS_FINETUNE_ANNOUNCE_AFTER_SECONDS * 1000,
              },
            ),
        },
        {
          provide: EvaluateLineTriggersUseCase,
          inject: [LineLearningStateQuery, LineLearningPolicyRepository, RequestTrainingJobUseCase, LOGGER],
          useFactory: (
            state: LineLearningStateQuery,
            policies: LineLearningPolicyRepository,
            requests: RequestTrainingJobUseCase,
            logger: Logger,
          ) =>
            new EvaluateLineTriggersUseCase(
              new PostgresLineLearningStateReader(state),
              // The line's own policy (line_learning_policy) over the service's, read at each evaluation.
              { policyFor: async (lineId) => mergeLineTriggerPolicy(policy, await policies.findForLine(lineId)) },
              requests,
              logger.child({ component: 'fine-tune-triggers' }),
            ),
        },
        {
          provide: AutoPromoteShadowsUseCase,
          inject: [LineLearningPolicyRepository, ShadowModelRepository, ShadowStatsQuery, ModelRegistryRepository, MESSAGE_BUS, LOGGER],
          useFactory: (
            policies: LineLearningPolicyRepository,
            shadows: ShadowModelRepository,
            stats: ShadowStatsQuery,
            registry: ModelRegistryRepository,
            bus: MessageBus,
            logger: Logger,
          ) =>
            new AutoPromoteShadowsUseCase(
              policies,
              shadows,
              stats,
              registry,
              new ModelPromotionService(registry, bus),
              { minFrames: config.ARGUS_FINETUNE_AUTO_PROMOTE_MIN_FRAMES, minAgreement: config.ARGUS_FINETUNE_AUTO_PROMOTE_MIN_AGREEMENT },
              logger.child({ component: 'auto-promotion' }),
            ),
        },
        {
          provide: RecordReviewLabelUseCase,
          inject: [PostgresLabelStore, EvaluateLineTriggersUseCase],
          useFactory: (labels: PostgresLabelStore, triggers: EvaluateLineTriggersUseCase) => new RecordReviewLabelUseCase(labels, triggers),
        },
        {
          provide: LABELS_STARTUP,
          inject: [MESSAGE_BUS, RecordReviewLabelUseCase, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, useCase: RecordReviewLabelUseCase, logger: Logger, registry: ShutdownRegistry) =>
            // training.job.requested.v1 too: the trigger evaluation after a label publishes the job;
            // model.version.promoted.v1: the timer's auto-promotion publishes it.
            startConsumer(
              'review-labels',
              { bus, logger, registry },
              [Topics.reviewSubmitted, Topics.trainingJobRequested, Topics.modelPromoted],
              () => subscribeReviewLabels(bus, useCase, config.ARGUS_FINETUNE_LABELS_GROUP_ID),
            ),
        },
        {
          provide: MANUAL_TRIGGERS_STARTUP,
          inject: [MESSAGE_BUS, RequestTrainingJobUseCase, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, requests: RequestTrainingJobUseCase, logger: Logger, registry: ShutdownRegistry) =>
            startConsumer(
              'manual-triggers',
              { bus, logger, registry },
              [Topics.trainingTriggerRequested, Topics.trainingTriggerAnswered, Topics.trainingJobRequested],
              () => subscribeManualTriggers(bus, new ManualTriggerHandler(requests, bus), config.ARGUS_FINETUNE_TRIGGERS_GROUP_ID),
            ),
        },
        {
          provide: TRIGGER_TIMER,
          inject: [EvaluateLineTriggersUseCase, RequestTrainingJobUseCase, AutoPromoteShadowsUseCase, LOGGER, ShutdownRegistry],
          useFactory: (
            triggers: EvaluateLineTriggersUseCase,
            requests: RequestTrainingJobUseCase,
            autoPromotion: AutoPromoteShadowsUseCase,
            logger: Logger,
            registry: ShutdownRegistry,
          ) => {
            const timer = new TriggerTimer(triggers, requests, logger.child({ component: 'fine-tune-triggers' }), undefined, autoPromotion);
            timer.start(config.ARGUS_FINETUNE_TRIGGER_INTERVAL_SECONDS * 1000);
            registry.register({ name: 'fine-tune-trigger-timer', order: ShutdownOrder.stopConsuming, close: () => timer.stop() });
            return timer;
          },
        },
      ],
      exports: [RequestTrainingJobUseCase, EvaluateLineTriggersUseCase, AutoPromoteShadowsUseCase],
    };
  }
}

/**
 * Every interval: evaluate every line's triggers (schedule and drift fire without a new label),
 * then announce queued jobs a crash left unannounced, then judge the shadows of the lines with
 * auto-promotion on (apart, so a failing trigger round does not hold promotions up, nor the
 * reverse). One round at a time; a failing round is logged and the next one tries again.
 */
export class TriggerTimer {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;

  constructor(
    private readonly triggers: Pick<EvaluateLineTriggersUseCase, 'evaluateAll'>,
    private readonly requests: Pick<RequestTrainingJobUseCase, 'announceStalled'>,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly now: () => Date = () => new Date(),
    private readonly autoPromotion?: Pick<AutoPromoteShadowsUseCase, 'runOnce'>,
  ) {}

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => {
      this.round ??= this.runOnce().finally(() => (this.round = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async runOnce(): Promise<void> {
    try {
      const requested = await this.triggers.evaluateAll();
      const announced = await this.requests.announceStalled(this.now());
      if (announced > 0) this.logger.info({ requested, announced }, 'announced training jobs that were recorded but not announced');
    } catch (error) {
      this.logger.warn({ err: error }, 'fine-tune trigger round failed; the next round tries again');
    }
    if (!this.autoPromotion) return;
    try {
      await this.autoPromotion.runOnce();
    } catch (error) {
      this.logger.warn({ err: error }, 'auto-promotion round failed; the next round tries again');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }
}
