import { hostname } from 'node:os';
import { type AlertRaisedV1, Topics } from '@argus/contracts';
import type { MessageBus, Subscription } from '@argus/messaging';
import type { AlertRepository } from '@argus/persistence';
import { RetryingStartupTask } from '@argus/platform';
import type { Logger } from 'pino';
import { interval, map, merge, type Observable, Subject } from 'rxjs';
import type { ReviewDecisionFeed } from '../reviews/review-decision.feed';
import { type AlertSummary, toAlertSummary } from './alert.presenter';

/** One server-sent event as Nest's @Sse writes it (`type` → `event:`). */
export interface StreamEvent {
  readonly type?: string;
  readonly data: unknown;
}

export const SSE_PING_INTERVAL_MS = 15_000;

/** A consumer group of its own per console process: every instance sees every alert. */
export function sseGroupId(host = hostname(), pid = process.pid): string {
  return `console-sse-${host.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${pid}`;
}

/**
 * The queue's live feed: `inspection.alert.raised.v1` (a consumer group unique to this process,
 * starting at the end: a live view, not a replay) and this instance's review decisions, pushed to
 * every connected client. An alert event is turned into the queue's `AlertSummary` from the
 * database (the event lacks capture time and frame size); an event that does not satisfy the
 * contract is dead-lettered by the bus, like everywhere else.
 */
export class AlertStreamService {
  private readonly raised = new Subject<AlertSummary>();
  private readonly startup: RetryingStartupTask;
  private subscription: Subscription | undefined;

  constructor(
    private readonly bus: Pick<MessageBus, 'ensureTopics' | 'subscribe' | 'start'>,
    private readonly alerts: Pick<AlertRepository, 'findWithFrame'>,
    private readonly feed: Pick<ReviewDecisionFeed, 'decisions'>,
    private readonly options: { readonly groupId: string; readonly logger: Logger; readonly pingIntervalMs?: number },
  ) {
    this.startup = new RetryingStartupTask('subscribe to alert-raised for the live queue', () => this.subscribe(), {
      logger: options.logger,
    });
  }

  /** Starts the subscription in the background (retrying until Kafka answers). */
  start(): Promise<void> {
    return this.startup.start();
  }

  /** True once the subscription is running. */
  get ready(): boolean {
    return this.startup.done;
  }

  async stop(): Promise<void> {
    await this.startup.stop();
    await this.subscription?.stop();
    this.raised.complete();
  }

  /** The events for one client: alerts raised, alerts reviewed, and a comment every 15 s. */
  events(): Observable<StreamEvent> {
    return merge(
      this.raised.pipe(map((summary): StreamEvent => ({ type: 'alert.raised', data: summary }))),
      this.feed.decisions.pipe(map((notice): StreamEvent => ({ type: 'alert.reviewed', data: notice }))),
    );
  }

  /** Ticks at the ping interval (the controller writes them as `: ping` comments). */
  pings(): Observable<number> {
    return interval(this.options.pingIntervalMs ?? SSE_PING_INTERVAL_MS);
  }

  private async subscribe(): Promise<void> {
    await this.bus.ensureTopics([Topics.alertRaised]);
    this.subscription = await this.bus.subscribe(Topics.alertRaised, {
      groupId: this.options.groupId,
      fromBeginning: false,
      retry: { attempts: 3, initialBackoffMs: 200, maxBackoffMs: 2000 },
      handler: (event) => this.onAlertRaised(event),
    });
    await this.bus.start();
  }

  private async onAlertRaised(event: AlertRaisedV1): Promise<void> {
    const alert = await this.alerts.findWithFrame(event.alertId);
    // Inference commits the alert before it publishes: a missing row is retried, then dead-lettered.
    if (!alert) throw new Error(`alert ${event.alertId} of the event is not in the database`);
    this.raised.next(toAlertSummary(alert));
  }
}
