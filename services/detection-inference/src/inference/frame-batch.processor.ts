import type { Detection } from '@argus/contracts';
import type { BatchItemOutcome } from '../batching/frame-batch.collector';
import type { CatalogModel, ProductionModelCatalog } from '../models/production-model.catalog';
import type { DetectorRuntime } from '../runtime/detector-runtime.port';
import { FrameFailureCodes, FrameUnprocessableError } from './frame-processing.errors';

/** A fetched frame waiting for the model. */
export interface FrameToScore {
  readonly frameId: string;
  readonly lineId: string;
  readonly image: Uint8Array;
  readonly template?: Uint8Array;
}

/** What the line's production model found on the frame. */
export interface ScoredFrame {
  readonly model: CatalogModel;
  readonly detections: Detection[];
  readonly width: number;
  readonly height: number;
  /** Wall time of the runtime batch the frame was in. */
  readonly batchMs: number;
  readonly batchSize: number;
}

/**
 * Runs one micro-batch: reads each line's production model ONCE at the start of the batch (the
 * hot-swap point), then runs every model's frames through the runtime as one batch per model
 * (lines may run different models). A frame that cannot be decoded fails alone.
 *
 * Several batches may run at once (one per model worker). Their starts are taken one at a time, in
 * the order the collector formed them, so a camera's frames never go back to an older version
 * after a newer one scored an earlier frame. A version stays loaded while a running batch uses it.
 */
export class FrameBatchProcessor {
  /** The previous batch's start (pointer reads and unloads); the next start waits for it. */
  private lastStart: Promise<unknown> = Promise.resolve();
  /** Model version id → batches running on it. */
  private readonly running = new Map<string, number>();

  constructor(
    private readonly catalog: ProductionModelCatalog,
    private readonly runtime: DetectorRuntime,
    private readonly options: {
      /**
       * Told of every scored batch before its frames go on (the shadow scorer). Called, not awaited:
       * whatever it starts runs beside production, and its failure is its own.
       */
      readonly afterBatch?: (items: readonly FrameToScore[], outcomes: readonly BatchItemOutcome<ScoredFrame>[]) => unknown;
    } = {},
  ) {}

  async process(items: readonly FrameToScore[]): Promise<BatchItemOutcome<ScoredFrame>[]> {
    const models = await this.start(items);
    let outcomes: BatchItemOutcome<ScoredFrame>[];
    try {
      outcomes = await this.score(items, models);
    } finally {
      for (const model of models.values()) if (model) this.release(model.id);
    }
    try {
      this.options.afterBatch?.(items, outcomes);
    } catch {
      // The listener's failure is its own (the shadow scorer logs its own): production's frames go on.
    }
    return outcomes;
  }

  /** Reads the batch's models, unloads versions nothing uses any more, and claims the batch's own. */
  private start(items: readonly FrameToScore[]): Promise<Map<string, CatalogModel | null>> {
    const started = this.lastStart.then(async () => {
      const models = new Map<string, CatalogModel | null>();
      for (const lineId of new Set(items.map((i) => i.lineId))) models.set(lineId, await this.catalog.modelFor(lineId));
      await this.catalog.releaseUnused(new Set(this.running.keys()));
      for (const model of models.values()) if (model) this.running.set(model.id, (this.running.get(model.id) ?? 0) + 1);
      return models;
    });
    this.lastStart = started.catch(() => undefined);
    return started;
  }

  private release(modelId: string): void {
    const left = (this.running.get(modelId) ?? 1) - 1;
    if (left > 0) this.running.set(modelId, left);
    else this.running.delete(modelId);
  }

  private async score(
    items: readonly FrameToScore[],
    models: ReadonlyMap<string, CatalogModel | null>,
  ): Promise<BatchItemOutcome<ScoredFrame>[]> {
    const outcomes: BatchItemOutcome<ScoredFrame>[] = new Array(items.length);
    const byModel = new Map<string, { model: CatalogModel; indices: number[] }>();
    items.forEach((item, index) => {
      const model = models.get(item.lineId);
      if (!model) {
        outcomes[index] = {
          ok: false,
          error: new FrameUnprocessableError(FrameFailureCodes.noProductionModel, `line ${item.lineId} has no production model`),
        };
        return;
      }
      if (model.usesTemplate && !item.template) {
        outcomes[index] = {
          ok: false,
          error: new FrameUnprocessableError(
            FrameFailureCodes.templateMissing,
            `model ${model.name} ${model.version} compares frames with the line's golden template, and frame ${item.frameId} came without one`,
          ),
        };
        return;
      }
      const group = byModel.get(model.id) ?? { model, indices: [] };
      group.indices.push(index);
      byModel.set(model.id, group);
    });
    for (const { model, indices } of byModel.values()) {
      const inputs = indices.map((index) => {
        const item = items[index] as FrameToScore;
        return { image: item.image, ...(item.template ? { template: item.template } : {}), label: item.frameId };
      });
      const result = await this.runtime.detect(model, inputs);
      indices.forEach((index, slot) => {
        const output = result.outputs[slot];
        if (!output || !output.ok) {
          const reason = output?.reason ?? 'no output from the runtime';
          outcomes[index] = { ok: false, error: new FrameUnprocessableError(FrameFailureCodes.undecodable, reason) };
          return;
        }
        outcomes[index] = {
          ok: true,
          value: {
            model,
            detections: output.detections,
            width: output.width,
            height: output.height,
            batchMs: result.batchMs,
            batchSize: indices.length,
          },
        };
      });
    }
    return outcomes;
  }
}
