import type { Detection } from '@argus/contracts';
import type { MessagingLogger } from '@argus/messaging';
import type { NewShadowDetections, ShadowDetectionsSave } from '@argus/persistence';
import type { BatchItemOutcome } from '../batching/frame-batch.collector';
import type { FrameToScore, ScoredFrame } from '../inference/frame-batch.processor';
import type { CatalogModel } from '../models/production-model.catalog';
import type { DetectorRuntime } from '../runtime/detector-runtime.port';
import type { ShadowModelCatalog } from './shadow-model.catalog';
import { shadowDecision, type ShadowSkipReason } from './shadow-sampling.rule';

/**
 * A quarter of a shadowed line's frames by default: enough frames to compare within a shift on a
 * line of a few frames a second, while the shadow's worker takes a small share of the cores that
 * production shares with it. ARGUS_INFER_SHADOW_SHARE sets it.
 */
export const DEFAULT_SHADOW_SHARE = 0.25;

export interface ShadowScorerOptions {
  /** The share of a shadowed line's frames the shadow scores (0: shadow scoring off). */
  readonly share: number;
  /** Frames per shadow batch, and the most the shadow holds at once (queued and in its batch). */
  readonly batchMax: number;
  /** Production frames waiting for a model batch now (the micro-batch collector's `pending`). */
  readonly productionQueued: () => number;
  readonly logger: MessagingLogger;
}

export interface ShadowStats {
  /** Frames offered: production scored them and their line has a shadow. */
  readonly offered: number;
  readonly scored: number;
  readonly stored: number;
  readonly skipped: Readonly<Record<ShadowSkipReason, number>>;
  /** Frames the shadow runtime could not score, or whose result could not be stored. */
  readonly failed: number;
}

interface ShadowItem {
  readonly frame: FrameToScore;
  readonly model: CatalogModel;
}

/**
 * Scores a sample of the frames production just scored with their line's shadow version, on the
 * shadow's own runtime, and stores what it found in `shadow_detection` — never as the frame's
 * detections, never alerted on, never published. Production hands frames over and goes on
 * (`offer` does not wait for the shadow); one shadow batch runs at a time; the sampling rule
 * (shadow-sampling.rule.ts) decides which frames and counts the rest.
 *
 * A shadow result is not part of the frame's delivery: the offset may be committed before the
 * shadow scored the frame, and a crash loses the shadow results in flight. That only shrinks the
 * sample; a redelivered frame is scored again and stored once (the primary key).
 */
export class ShadowScorer {
  private readonly queue: ShadowItem[] = [];
  private inBatch = 0;
  private draining: Promise<void> | null = null;
  private stats = emptyStats();

  constructor(
    private readonly catalog: Pick<ShadowModelCatalog, 'shadowFor' | 'releaseUnused'>,
    private readonly runtime: Pick<DetectorRuntime, 'detect'>,
    private readonly store: { saveDetections(input: NewShadowDetections): Promise<ShadowDetectionsSave> },
    private readonly options: ShadowScorerOptions,
  ) {}

  /** Production's batch is scored: offer its frames to their lines' shadows. Never throws, never waits for a shadow batch. */
  offer(items: readonly FrameToScore[], outcomes: readonly BatchItemOutcome<ScoredFrame>[]): Promise<void> {
    if (this.options.share <= 0) return Promise.resolve();
    return this.take(items, outcomes).catch((error: unknown) =>
      this.options.logger.warn({ err: error }, 'shadow: could not read the lines’ shadows; these frames are not shadow-scored'),
    );
  }

  /** Counts since the previous call. */
  takeStats(): ShadowStats {
    const stats = this.stats;
    this.stats = emptyStats();
    return stats;
  }

  /** Resolves once the shadow has nothing queued or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async take(items: readonly FrameToScore[], outcomes: readonly BatchItemOutcome<ScoredFrame>[]): Promise<void> {
    const shadows = new Map<string, CatalogModel | null>();
    for (const lineId of new Set(items.map((i) => i.lineId))) shadows.set(lineId, await this.catalog.shadowFor(lineId));
    items.forEach((frame, index) => {
      const model = shadows.get(frame.lineId);
      const outcome = outcomes[index];
      if (!model || !outcome?.ok) return; // no shadow here, or production could not score the frame either
      if (outcome.value.model.id === model.id) return; // the shadow version serves the line already
      this.stats.offered += 1;
      if (model.usesTemplate && !frame.template) {
        this.stats.skipped['template-missing'] += 1;
        return;
      }
      const decision = shadowDecision(frame.frameId, {
        share: this.options.share,
        productionQueued: this.options.productionQueued(),
        shadowQueued: this.queue.length + this.inBatch,
        shadowCapacity: this.options.batchMax,
      });
      if (decision !== 'score') {
        this.stats.skipped[decision] += 1;
        return;
      }
      this.queue.push({ frame, model });
    });
    if (this.queue.length > 0 && !this.draining) {
      this.draining = this.drain().finally(() => {
        this.draining = null;
      });
    }
  }

  /** Shadow batches one at a time, each of one version, until the queue is empty. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const model = (this.queue[0] as ShadowItem).model;
      const batch: ShadowItem[] = [];
      for (let i = 0; i < this.queue.length && batch.length < this.options.batchMax;) {
        const item = this.queue[i] as ShadowItem;
        if (item.model.id === model.id) {
          batch.push(item);
          this.queue.splice(i, 1);
        } else i++;
      }
      this.inBatch = batch.length;
      try {
        await this.scoreBatch(model, batch);
      } finally {
        this.inBatch = 0;
      }
    }
    await this.catalog
      .releaseUnused()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, 'shadow: unloading a version failed'));
  }

  private async scoreBatch(model: CatalogModel, batch: readonly ShadowItem[]): Promise<void> {
    let result;
    try {
      result = await this.runtime.detect(
        model,
        batch.map(({ frame }) => ({ image: frame.image, ...(frame.template ? { template: frame.template } : {}), label: frame.frameId })),
      );
    } catch (error) {
      this.stats.failed += batch.length;
      this.options.logger.warn(
        { err: error, modelVersionId: model.id, frames: batch.length },
        'shadow: batch failed; its frames are not shadow-scored',
      );
      return;
    }
    await Promise.all(
      batch.map(async ({ frame }, slot) => {
        const output = result.outputs[slot];
        if (!output?.ok) {
          this.stats.failed += 1;
          return;
        }
        this.stats.scored += 1;
        await this.save(frame, model, output.detections, result.batchMs);
      }),
    );
  }

  private async save(frame: FrameToScore, model: CatalogModel, detections: Detection[], batchMs: number): Promise<void> {
    try {
      const saved = await this.store.saveDetections({
        frameId: frame.frameId,
        lineId: frame.lineId,
        modelVersionId: model.id,
        detections,
        inferenceMs: batchMs,
      });
      if (saved === 'stored') this.stats.stored += 1;
    } catch (error) {
      this.stats.failed += 1;
      this.options.logger.warn({ err: error, frameId: frame.frameId, modelVersionId: model.id }, 'shadow: storing a result failed');
    }
  }
}

function emptyStats(): { offered: number; scored: number; stored: number; failed: number; skipped: Record<ShadowSkipReason, number> } {
  return {
    offered: 0,
    scored: 0,
    stored: 0,
    failed: 0,
    skipped: { 'not-sampled': 0, 'production-queued': 0, 'shadow-busy': 0, 'template-missing': 0 },
  };
}
