import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@argus/contracts';
import { MESSAGE_BUS, type MessageBus } from '@argus/messaging';
import {
  AlertRepository,
  FrameRepository,
  LineRepository,
  ModelRegistryRepository,
  repositoryProviders,
  ReviewRepository,
} from '@argus/persistence';
import { LOGGER, type Logger, RetryingStartupTask, ShutdownOrder, ShutdownRegistry } from '@argus/platform';
import { OBJECT_STORE, type ObjectStore } from '@argus/storage';
import { AlertQueriesService } from '../alerts/alert-queries.service';
import { AlertStreamService, sseGroupId } from '../alerts/alert-stream.service';
import { AlertsController } from '../alerts/alerts.controller';
import { AuditItemQueriesService } from '../alerts/audit-item-queries.service';
import { AuditItemsController } from '../alerts/audit-items.controller';
import { ModelThresholdsReader } from '../alerts/model-thresholds.reader';
import { FrameImagesService } from '../frames/frame-images.service';
import { FramesController } from '../frames/frames.controller';
import { BulkReviewUseCase } from './bulk-review.use-case';
import { ReviewDecisionFeed } from './review-decision.feed';
import { type SubmitReviewSettings, SubmitReviewUseCase } from './submit-review.use-case';

export interface ReviewQueueModuleOptions {
  /** Modules exporting DATABASE, MESSAGE_BUS and OBJECT_STORE. */
  readonly imports: DynamicModule[];
  readonly settings?: Partial<SubmitReviewSettings> & { readonly sseGroupId?: string; readonly pingIntervalMs?: number };
}

const REVIEW_TOPIC_SETUP = Symbol('REVIEW_TOPIC_SETUP');

/** The operators' review queue: alerts, audit items, the alerts' live stream, decisions, frame images. */
@Module({})
export class ReviewQueueModule {
  static register(options: ReviewQueueModuleOptions): DynamicModule {
    const settings: SubmitReviewSettings = { publishTimeoutMs: options.settings?.publishTimeoutMs ?? 5000 };
    return {
      module: ReviewQueueModule,
      imports: options.imports,
      controllers: [AlertsController, AuditItemsController, FramesController],
      providers: [
        { provide: ReviewDecisionFeed, useValue: new ReviewDecisionFeed() },
        ...repositoryProviders(AlertRepository, ReviewRepository, ModelRegistryRepository, LineRepository, FrameRepository),
        { provide: ModelThresholdsReader, inject: [OBJECT_STORE], useFactory: (store: ObjectStore) => new ModelThresholdsReader(store) },
        {
          provide: AlertQueriesService,
          inject: [AlertRepository, ReviewRepository, ModelRegistryRepository, LineRepository, ModelThresholdsReader],
          useFactory: (
            alerts: AlertRepository,
            reviews: ReviewRepository,
            registry: ModelRegistryRepository,
            lines: LineRepository,
            thresholds: ModelThresholdsReader,
          ) => new AlertQueriesService(alerts, reviews, registry, lines, thresholds),
        },
        {
          provide: AuditItemQueriesService,
          inject: [AlertRepository, ReviewRepository],
          useFactory: (alerts: AlertRepository, reviews: ReviewRepository) => new AuditItemQueriesService(alerts, reviews),
        },
        {
          provide: SubmitReviewUseCase,
          inject: [AlertRepository, ReviewRepository, LineRepository, MESSAGE_BUS, ReviewDecisionFeed],
          useFactory: (
            alerts: AlertRepository,
            reviews: ReviewRepository,
            lines: LineRepository,
            bus: MessageBus,
            feed: ReviewDecisionFeed,
          ) => new SubmitReviewUseCase(alerts, reviews, lines, bus, feed, settings),
        },
        {
          provide: BulkReviewUseCase,
          inject: [SubmitReviewUseCase],
          useFactory: (submit: SubmitReviewUseCase) => new BulkReviewUseCase(submit),
        },
        {
          provide: FrameImagesService,
          inject: [FrameRepository, LineRepository, OBJECT_STORE],
          useFactory: (frames: FrameRepository, lines: LineRepository, store: ObjectStore) => new FrameImagesService(frames, lines, store),
        },
        {
          provide: AlertStreamService,
          inject: [MESSAGE_BUS, AlertRepository, ReviewDecisionFeed, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, alerts: AlertRepository, feed: ReviewDecisionFeed, logger: Logger, registry: ShutdownRegistry) => {
            const stream = new AlertStreamService(bus, alerts, feed, {
              groupId: options.settings?.sseGroupId ?? sseGroupId(),
              logger,
              ...(options.settings?.pingIntervalMs ? { pingIntervalMs: options.settings.pingIntervalMs } : {}),
            });
            registry.register({ name: 'alert-stream', order: ShutdownOrder.stopConsuming, close: () => stream.stop() });
            void stream.start();
            return stream;
          },
        },
        {
          // review-submitted and its .dlq exist before the first decision is published.
          provide: REVIEW_TOPIC_SETUP,
          inject: [MESSAGE_BUS, LOGGER, ShutdownRegistry],
          useFactory: (bus: MessageBus, logger: Logger, registry: ShutdownRegistry) => {
            const setup = new RetryingStartupTask('create topic review-submitted', () => bus.ensureTopics([Topics.reviewSubmitted]), {
              logger,
            });
            registry.register({ name: 'review-topic-setup', order: ShutdownOrder.stopConsuming, close: () => setup.stop() });
            void setup.start();
            return setup;
          },
        },
      ],
      exports: [AlertStreamService],
    };
  }
}
