import { type TopicContract, Topics } from '@argus/contracts';
import type { MessageBus, Subscription } from '@argus/messaging';
import { RetryingStartupTask } from '@argus/platform';
import type { Logger } from 'pino';
import { filter, interval, type Observable, Subject } from 'rxjs';
import { SSE_PING_INTERVAL_MS, type StreamEvent } from '../alerts/alert-stream.service';

/** The jobs stream's events, each named after what it carries. */
export const TrainingStreamEvents = {
  progress: 'training.progress',
  completed: 'training.completed',
  failed: 'training.failed',
  triggerAnswered: 'training.trigger-answered',
} as const;

const STREAMED_TOPICS: readonly TopicContract[] = [
  Topics.trainingJobProgress,
  Topics.trainingJobCompleted,
  Topics.trainingJobFailed,
  Topics.trainingTriggerAnswered,
];

/**
 * The jobs page's live feed: training.job.progress|completed|failed.v1 and the manual triggers'
 * answers, each consumed in a group unique to this process (every console instance sees every
 * event; from the end: a live view, not a replay), pushed as they are to every connected client.
 * The page reads the rest from the ledger; an event that does not satisfy its contract is
 * dead-lettered by the bus.
 */
export class TrainingStreamService {
  private readonly events$ = new Subject<StreamEvent & { readonly lineId: string }>();
  private readonly startup: RetryingStartupTask;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly bus: Pick<MessageBus, 'ensureTopics' | 'subscribe' | 'start'>,
    private readonly options: { readonly groupId: string; readonly logger: Logger; readonly pingIntervalMs?: number },
  ) {
    this.startup = new RetryingStartupTask('subscribe to the training jobs’ events for the live jobs page', () => this.subscribe(), {
      logger: options.logger,
    });
  }

  start(): Promise<void> {
    return this.startup.start();
  }

  get ready(): boolean {
    return this.startup.done;
  }

  async stop(): Promise<void> {
    await this.startup.stop();
    for (const s of this.subscriptions) await s.stop();
    this.events$.complete();
  }

  /** The events for one client, of one line or all. */
  events(lineId?: string): Observable<StreamEvent> {
    return lineId === undefined ? this.events$ : this.events$.pipe(filter((e) => e.lineId === lineId));
  }

  pings(): Observable<number> {
    return interval(this.options.pingIntervalMs ?? SSE_PING_INTERVAL_MS);
  }

  private async subscribe(): Promise<void> {
    await this.bus.ensureTopics(STREAMED_TOPICS);
    // Subscribed once each, whatever the start-up's retries.
    if (this.subscriptions.length === 0) {
      this.subscriptions.push(
        await this.forward(Topics.trainingJobProgress, TrainingStreamEvents.progress, 'progress'),
        await this.forward(Topics.trainingJobCompleted, TrainingStreamEvents.completed, 'completed'),
        await this.forward(Topics.trainingJobFailed, TrainingStreamEvents.failed, 'failed'),
        await this.forward(Topics.trainingTriggerAnswered, TrainingStreamEvents.triggerAnswered, 'trigger-answered'),
      );
    }
    await this.bus.start();
  }

  private forward<T extends TopicContract>(topic: T, type: string, suffix: string): Promise<Subscription> {
    return this.bus.subscribe(topic, {
      groupId: `${this.options.groupId}-${suffix}`,
      fromBeginning: false,
      retry: { attempts: 1, initialBackoffMs: 100, maxBackoffMs: 100 },
      handler: async (event) => {
        const lineId = (event as { lineId: string }).lineId;
        this.events$.next({ type, data: event, lineId });
      },
    });
  }
}
