import { RequestCoalescer } from '@argus/platform';
import { type DetectionRepository, type FrameInference, FrameNotFoundError, type FrameRepository } from '@argus/persistence';

/**
 * Two per-frame statements that the frames of one micro-batch reach together (their results come
 * back together, so their handlers run in step): the redelivery check at the start and the
 * "processed" mark at the end. Each goes out as ONE statement for every frame waiting for it
 * (RequestCoalescer), not one round trip per frame. A lone frame still leaves at once.
 */
export class CoalescedFrameStatements {
  private readonly earlier: RequestCoalescer<string, FrameInference[]>;
  private readonly processed: RequestCoalescer<string>;

  constructor(
    detections: Pick<DetectionRepository, 'listForFrames'>,
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
