import { Topics } from '@argus/contracts';
import type { MessageBus, Subscription } from '@argus/messaging';

/** Looks a model version up by id (the registry), for its name and version. */
export interface ModelNames {
  findVersion(modelVersionId: string): Promise<{ readonly name: string; readonly version: string } | null>;
}

export interface PipelineStatus {
  /** Frames scored per second over the last `frameWindowMs`. */
  readonly framesPerSecond: number;
  /** Alerts raised in the last minute. */
  readonly alertsPerMinute: number;
  readonly framesTotal: number;
  readonly alertsTotal: number;
  /** The model that scored each line's latest frame, `name@version` (lines in id order). */
  readonly models: readonly { readonly lineId: string; readonly model: string }[];
  /** Shown first on the status line (e.g. the data folder over its size limit). */
  readonly warnings?: readonly string[];
}

export interface PipelineStatusOptions {
  readonly groupPrefix?: string;
  readonly frameWindowMs?: number;
  readonly now?: () => number;
}

const MINUTE_MS = 60_000;

/**
 * Watches the pipeline from the outside, like any other consumer: its own consumer groups on
 * detections-produced (a frame scored) and alert-raised, counting into sliding windows. Works the
 * same on the in-memory bus and on Kafka.
 */
export class PipelineStatusMonitor {
  private readonly frameTimes: number[] = [];
  private readonly alertTimes: number[] = [];
  private framesTotal = 0;
  private alertsTotal = 0;
  private readonly lineModels = new Map<string, string>();
  private readonly modelLabels = new Map<string, string>();
  private subscriptions: Subscription[] = [];
  private readonly now: () => number;
  private readonly frameWindowMs: number;
  private readonly startedAt: number;

  constructor(
    private readonly bus: MessageBus,
    private readonly models: ModelNames,
    private readonly options: PipelineStatusOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.frameWindowMs = options.frameWindowMs ?? 10_000;
    this.startedAt = this.now();
  }

  async start(): Promise<void> {
    const prefix = this.options.groupPrefix ?? 'argus-embedded-status';
    const retry = { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 1_000 };
    await this.bus.ensureTopics([Topics.detectionsProduced, Topics.alertRaised]);
    this.subscriptions = [
      await this.bus.subscribe(Topics.detectionsProduced, {
        groupId: `${prefix}.frames`,
        fromBeginning: false,
        retry,
        handler: async (event) => this.onFrameScored(event.lineId, event.modelVersionId),
      }),
      await this.bus.subscribe(Topics.alertRaised, {
        groupId: `${prefix}.alerts`,
        fromBeginning: false,
        retry,
        handler: () => this.onAlert(),
      }),
    ];
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.subscriptions.map((s) => s.stop()));
    this.subscriptions = [];
  }

  async onFrameScored(lineId: string, modelVersionId: string): Promise<void> {
    this.framesTotal++;
    this.frameTimes.push(this.now());
    this.lineModels.set(lineId, await this.labelOf(modelVersionId));
  }

  onAlert(): void {
    this.alertsTotal++;
    this.alertTimes.push(this.now());
  }

  snapshot(): PipelineStatus {
    const now = this.now();
    drop(this.frameTimes, now - this.frameWindowMs);
    drop(this.alertTimes, now - MINUTE_MS);
    const frameSpan = Math.max(1, Math.min(this.frameWindowMs, now - this.startedAt));
    return {
      framesPerSecond: (this.frameTimes.length * 1000) / frameSpan,
      alertsPerMinute: this.alertTimes.length,
      framesTotal: this.framesTotal,
      alertsTotal: this.alertsTotal,
      models: [...this.lineModels.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([lineId, model]) => ({ lineId, model })),
    };
  }

  private async labelOf(modelVersionId: string): Promise<string> {
    const known = this.modelLabels.get(modelVersionId);
    if (known) return known;
    const version = await this.models.findVersion(modelVersionId).catch(() => null);
    const label = version ? `${version.name}@${version.version}` : modelVersionId.slice(0, 8);
    if (version) this.modelLabels.set(modelVersionId, label);
    return label;
  }
}

/** Drops the sorted timestamps older than `since`. */
function drop(times: number[], since: number): void {
  let stale = 0;
  while (stale < times.length && (times[stale] as number) < since) stale++;
  if (stale > 0) times.splice(0, stale);
}
