import { RequestCoalescer } from '@argus/platform';
import type { Detection } from '@argus/contracts';
import {
  type DetectionRepository,
  type DetectionsToSave,
  type FrameInference,
  FrameNotFoundError,
  type FrameRepository,
  type SavedDetections,
} from '@argus/persistence';

/**
 * Per-frame statements that the frames of one micro-batch reach together (their results come
 * back together, so their handlers run in step): the redelivery check at the start, the detections
 * write, and the "processed" mark at the end. Each goes out as ONE statement for every frame
 * waiting for it (RequestCoalescer), not one round trip per frame. A lone frame still leaves at
 * once. When a many-frame write fails, its frames are written one by one, so that one frame's
 * problem (say, no frame row) fails that frame alone.
 */
export class CoalescedFrameStatements {
  private readonly earlier: RequestCoalescer<string, FrameInference[]>;
  private readonly processed: RequestCoalescer<string>;
  private readonly saves: RequestCoalescer<DetectionsToSave, SavedDetections>;

  constructor(
    detections: Pick<DetectionRepository, 'listForFrames' | 'saveForFrames'>,
    frames: Pick<FrameRepository, 'markProcessedMany'>,
  ) {
    this.earlier = new RequestCoalescer(async (frameIds) => {
      const found = await detections.listForFrames(frameIds);
      return frameIds.map((id) => found.get(id) ?? []);
    });
    this.processed = new RequestCoalescer<string>(async (frameIds) => {
      const updated = await frames.markProcessedMany(frameIds);
      return frameIds.map((id) => (updated.has(id) ? undefined : new FrameNotFoundError(id)));
    });
    this.saves = new RequestCoalescer(async (items) => {
      if (items.length === 1) return detections.saveForFrames(items);
      try {
        return await detections.saveForFrames(items);
      } catch {
        return Promise.all(
          items.map((item) =>
            detections.saveForFrames([item]).then(
              ([saved]) => saved as SavedDetections,
              (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
            ),
          ),
        );
      }
    });
  }

  /** DetectionRepository.saveForFrame: idempotent per (frame, model version). */
  saveForFrame(frameId: string, modelVersionId: string, detections: readonly Detection[], options: { inferenceMs?: number } = {}): Promise<SavedDetections> {
    return this.saves.submit({ frameId, modelVersionId, detections, ...(options.inferenceMs === undefined ? {} : { inferenceMs: options.inferenceMs }) });
  }

  /** Every model version's results on the frame, oldest first (DetectionRepository.listForFrame). */
  listForFrame(frameId: string): Promise<FrameInference[]> {
    return this.earlier.submit(frameId);
  }

  /** FrameRepository.markProcessed; FrameNotFoundError when the frame has no row. */
  markProcessed(frameId: string): Promise<void> {
    return this.processed.submit(frameId);
  }
}
