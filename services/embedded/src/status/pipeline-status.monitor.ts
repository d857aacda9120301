import { isRepeat, type TrainingJobCompletedV1, type TrainingJobFailedV1, type TrainingJobProgressV1, Topics } from '@argus/contracts';
import type { DemoReviewerCounts } from '../demo-reviewer/demo-reviewer';
import type { MessageBus, MessageMetadata, PipelineHealthReader, Subscription } from '@argus/messaging';

/** Looks model versions up by id (the registry): name, version and recorded evaluation. */
export interface ModelNames {
  findVersionDetails(modelVersionIds: readonly string[]): Promise<
    readonly {
      readonly id: string;
      readonly name: string;
      readonly version: string;
      /** What the version was registered with (`argus eval --report`; a fine-tune candidate's is the line's holdout). */
      readonly evaluation: { readonly split: string; readonly map50: number } | null;
    }[]
  >;
}

/** A model as the status line names it: `name@version`, with its AP@0.5 when an evaluation was recorded. */
export interface ModelLabel {
  readonly model: string;
  readonly ap50?: { readonly value: number; readonly split: string };
}

/** What the continual fine-tune loop is doing on a line, from its training.job.* events. */
export type LineLearning =
  | { readonly state: 'training'; readonly phase: string; readonly step: number; readonly totalSteps: number }
  | { readonly state: 'candidate'; readonly candidate: ModelLabel; readonly gatesPassed: boolean }
  | { readonly state: 'failed'; readonly outcome: 'failed' | 'cancelled'; readonly errorCode: string };

/** What the database holds, over every run so far. */
export interface StoredTotals {
  readonly framesStored: number;
  readonly framesScored: number;
  readonly alerts: number;
}

/** Reads StoredTotals (once, at start; the monitor adds what this run stores). */
export interface StoredTotalsSource {
  storedTotals(): Promise<StoredTotals>;
}

export interface PipelineStatus {
  /** New frames stored per second over the last `frameWindowMs` (duplicates left out). */
  readonly framesStoredPerSecond: number;
  /** Frames scored by a model per second over the same window (stored results published again left out). */
  readonly framesScoredPerSecond: number;
  /** New alerts raised in the last minute. */
  readonly alertsPerMinute: number;
  /** Frames sent again with bytes already stored, since this process started: announced again, not stored, not scored. */
  readonly duplicatesSkipped: number;
  /** All runs: what the database held at start plus what this run added. */
  readonly totals: StoredTotals;
  /** Messages in the dead-letter topics (they outlive restarts); undefined until first read. */
  readonly deadLetters: number | undefined;
  /**
   * The model that scored each line's latest frame, `name@version` and its recorded AP@0.5 when
   * known, with what the fine-tune loop last did there: a job's progress while one runs, then its
   * candidate (holdout AP, gates) or why it failed (lines in id order).
   */
  readonly models: readonly ({ readonly lineId: string; readonly learning?: LineLearning } & ModelLabel)[];
  /** The scripted demo reviewer's decisions this run, when it runs (added by main.ts). */
  readonly reviewer?: DemoReviewerCounts;
  /** Shown first on the status line (e.g. the data folder over its size limit). */
  readonly warnings?: readonly string[];
}

export interface PipelineStatusOptions {
  readonly groupPrefix?: string;
  readonly frameWindowMs?: number;
  /** How often the dead-letter counts are read from the bus. */
  readonly healthIntervalMs?: number;
  readonly now?: () => number;
}

const MINUTE_MS = 60_000;

/**
 * Watches the pipeline from the outside, like any other consumer: its own consumer groups on
 * frame-ingested (a frame stored), detections-produced (a frame scored) and alert-raised,
 * counting into sliding windows. Events are at-least-once, and a frame sent again with the same
 * bytes is announced again (and its stored result published again) without anything new being
 * stored or scored: those carry EventHeaders.repeat and are counted apart, as duplicates, never
 * as work. Totals start from what the database holds (every earlier run) and grow with this run's
 * new work; dead letters are the bus's own counts. Works the same on the in-memory bus and on Kafka.
 */
export class PipelineStatusMonitor {
  private readonly storedTimes: number[] = [];
  private readonly scoredTimes: number[] = [];
  private readonly alertTimes: number[] = [];
  private duplicates = 0;
  private baseline: StoredTotals = { framesStored: 0, framesScored: 0, alerts: 0 };
  private added = { framesStored: 0, framesScored: 0, alerts: 0 };
  private deadLetters: number | undefined;
  private readonly lineModels = new Map<string, ModelLabel>();
  private readonly lineLearning = new Map<string, LineLearning>();
  private readonly modelLabels = new Map<string, ModelLabel>();
  private subscriptions: Subscription[] = [];
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly frameWindowMs: number;
  private readonly startedAt: number;

  constructor(
    private readonly bus: MessageBus,
    private readonly models: ModelNames,
    private readonly stored: StoredTotalsSource,
    private readonly health: PipelineHealthReader | undefined,
    private readonly options: PipelineStatusOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.frameWindowMs = options.frameWindowMs ?? 10_000;
    this.startedAt = this.now();
  }

  /** Reads the stored totals, then follows the topics from now on (call before the pipeline starts). */
  async start(): Promise<void> {
    this.baseline = await this.stored.storedTotals();
    await this.readDeadLetters();
    const prefix = this.options.groupPrefix ?? 'argus-embedded-status';
    const retry = { attempts: 3, initialBackoffMs: 100, maxBackoffMs: 1_000 };
    await this.bus.ensureTopics([
      Topics.frameIngested,
      Topics.detectionsProduced,
      Topics.alertRaised,
      Topics.trainingJobProgress,
      Topics.trainingJobCompleted,
      Topics.trainingJobFailed,
    ]);
    this.subscriptions = [
      await this.bus.subscribe(Topics.frameIngested, {
        groupId: `${prefix}.stored`,
        fromBeginning: false,
        retry,
        handler: (_event, metadata) => this.onFrameIngested(metadata),
      }),
      await this.bus.subscribe(Topics.detectionsProduced, {
        groupId: `${prefix}.frames`,
        fromBeginning: false,
        retry,
        handler: async (event, metadata) => this.onFrameScored(event.lineId, event.modelVersionId, metadata),
      }),
      await this.bus.subscribe(Topics.alertRaised, {
        groupId: `${prefix}.alerts`,
        fromBeginning: false,
        retry,
        handler: (_event, metadata) => this.onAlert(metadata),
      }),
      await this.bus.subscribe(Topics.trainingJobProgress, {
        groupId: `${prefix}.training-progress`,
        fromBeginning: false,
        retry,
        handler: (event) => this.onTrainingProgress(event),
      }),
      await this.bus.subscribe(Topics.trainingJobCompleted, {
        groupId: `${prefix}.training-completed`,
        fromBeginning: false,
        retry,
        handler: (event) => this.onTrainingCompleted(event),
      }),
      await this.bus.subscribe(Topics.trainingJobFailed, {
        groupId: `${prefix}.training-failed`,
        fromBeginning: false,
        retry,
        handler: (event) => this.onTrainingFailed(event),
      }),
    ];
    if (this.health) {
      this.healthTimer = setInterval(() => void this.readDeadLetters(), this.options.healthIntervalMs ?? 5_000);
      this.healthTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
    await Promise.allSettled(this.subscriptions.map((s) => s.stop()));
    this.subscriptions = [];
  }

  onFrameIngested(metadata: Pick<MessageMetadata, 'headers'>): void {
    if (isRepeat(metadata.headers)) {
      this.duplicates++;
      return;
    }
    this.added.framesStored++;
    this.storedTimes.push(this.now());
  }

  async onFrameScored(lineId: string, modelVersionId: string, metadata: Pick<MessageMetadata, 'headers'>): Promise<void> {
    if (!isRepeat(metadata.headers)) {
      this.added.framesScored++;
      this.scoredTimes.push(this.now());
    }
    this.lineModels.set(lineId, await this.labelOf(modelVersionId));
  }

  async onTrainingProgress(event: Pick<TrainingJobProgressV1, 'lineId' | 'phase' | 'step' | 'totalSteps'>): Promise<void> {
    this.lineLearning.set(event.lineId, { state: 'training', phase: event.phase, step: event.step, totalSteps: event.totalSteps });
  }

  async onTrainingCompleted(event: Pick<TrainingJobCompletedV1, 'lineId' | 'candidateModelVersionId' | 'gatesPassed'>): Promise<void> {
    const candidate = await this.labelOf(event.candidateModelVersionId);
    this.lineLearning.set(event.lineId, { state: 'candidate', candidate, gatesPassed: event.gatesPassed });
  }

  async onTrainingFailed(event: Pick<TrainingJobFailedV1, 'lineId' | 'outcome' | 'errorCode'>): Promise<void> {
    this.lineLearning.set(event.lineId, { state: 'failed', outcome: event.outcome, errorCode: event.errorCode });
  }

  onAlert(metadata: Pick<MessageMetadata, 'headers'>): void {
    if (isRepeat(metadata.headers)) return;
    this.added.alerts++;
    this.alertTimes.push(this.now());
  }

  snapshot(): PipelineStatus {
    const now = this.now();
    drop(this.storedTimes, now - this.frameWindowMs);
    drop(this.scoredTimes, now - this.frameWindowMs);
    drop(this.alertTimes, now - MINUTE_MS);
    const frameSpan = Math.max(1, Math.min(this.frameWindowMs, now - this.startedAt));
    return {
      framesStoredPerSecond: (this.storedTimes.length * 1000) / frameSpan,
      framesScoredPerSecond: (this.scoredTimes.length * 1000) / frameSpan,
      alertsPerMinute: this.alertTimes.length,
      duplicatesSkipped: this.duplicates,
      totals: {
        framesStored: this.baseline.framesStored + this.added.framesStored,
        framesScored: this.baseline.framesScored + this.added.framesScored,
        alerts: this.baseline.alerts + this.added.alerts,
      },
      deadLetters: this.deadLetters,
      models: [...this.lineModels.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([lineId, label]) => {
          const learning = this.lineLearning.get(lineId);
          return { lineId, ...label, ...(learning ? { learning } : {}) };
        }),
    };
  }

  /** The dead-letter topics' message counts, summed; a failed read keeps the last value. */
  private async readDeadLetters(): Promise<void> {
    if (!this.health) return;
    try {
      const { deadLetters } = await this.health.pipelineHealth();
      this.deadLetters = deadLetters.reduce((sum, topic) => sum + topic.count, 0);
    } catch {
      // the next read tries again; the status line is no place for a bus error
    }
  }

  private async labelOf(modelVersionId: string): Promise<ModelLabel> {
    const known = this.modelLabels.get(modelVersionId);
    if (known) return known;
    const [version] = await this.models.findVersionDetails([modelVersionId]).catch(() => []);
    if (!version) return { model: modelVersionId.slice(0, 8) };
    const { evaluation } = version;
    const label: ModelLabel = {
      model: `${version.name}@${version.version}`,
      ...(evaluation && Number.isFinite(evaluation.map50) ? { ap50: { value: evaluation.map50, split: evaluation.split } } : {}),
    };
    this.modelLabels.set(modelVersionId, label);
    return label;
  }
}

/** Drops the sorted timestamps older than `since`. */
function drop(times: number[], since: number): void {
  let stale = 0;
  while (stale < times.length && (times[stale] as number) < since) stale++;
  if (stale > 0) times.splice(0, stale);
}
